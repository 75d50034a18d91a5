// Verifies a DataNode replica the way a Java HDFS reader does (DataChecksum.verifyChunkedSums with
// the JDK's java.util.zip.CRC32C / CRC32, which Hadoop uses on Java 9+): reads the meta file's
// BlockMetadataHeader (int16 version, checksum type byte, int32 bytesPerChecksum), then checks one
// big-endian CRC per chunk of the block file. Prints "OK <chunks>" or "BAD <chunk index>"; exit 0 / 1.
// Usage: java BlockChecksumCheck <blockFile> <metaFile>
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

public final class BlockChecksumCheck {
  public static void main(String[] args) throws Exception {
    byte[] data = Files.readAllBytes(Paths.get(args[0]));
    try (DataInputStream meta = new DataInputStream(new FileInputStream(args[1]))) {
      short version = meta.readShort();
      int type = meta.readByte();
      int bpc = meta.readInt();
      if (version != 1 || (type != 1 && type != 2)) {
        System.out.println("HEADER " + version + " " + type);
        System.exit(1);
      }
      int chunks = (data.length + bpc - 1) / bpc;
      for (int i = 0; i < chunks; i++) {
        Checksum sum = type == 2 ? new CRC32C() : new CRC32();
        int start = i * bpc;
        sum.update(data, start, Math.min(bpc, data.length - start));
        int stored = meta.readInt();
        if ((int) sum.getValue() != stored) {
          System.out.println("BAD " + i);
          System.exit(1);
        }
      }
      if (meta.available() != 0) {
        System.out.println("EXTRA " + meta.available());
        System.exit(1);
      }
      System.out.println("OK " + chunks);
    }
  }
}
