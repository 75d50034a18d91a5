// Prints, for each block count given as an argument, the MD5 Hadoop's FileChecksumHelper
// .makeMd5CrcResult takes over the block MD5s: they are written 16 bytes at a time through a
// DataOutputStream into a java.io.ByteArrayOutputStream (Hadoop's DataOutputBuffer.Buffer), and the
// MD5 covers the stream's whole backing array (DataOutputBuffer.getData), not only the bytes
// written. Block MD5 i is the 16 bytes (16 * i + j) & 0xff. This pins the JDK's growth of that
// array (32 bytes, then doubling) that the hsec client reproduces. Used by
// test/interop/datatransfer/jdk-file-checksum.test.ts.
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.security.MessageDigest;

public final class Md5OfBlockMd5s {
  /** DataOutputBuffer.Buffer: the backing array as it is. */
  static final class Buffer extends ByteArrayOutputStream {
    byte[] data() {
      return buf;
    }
  }

  public static void main(String[] args) throws Exception {
    for (String arg : args) {
      int blocks = Integer.parseInt(arg);
      Buffer buffer = new Buffer();
      DataOutputStream out = new DataOutputStream(buffer);
      for (int i = 0; i < blocks; i++) {
        byte[] md5 = new byte[16];
        for (int j = 0; j < 16; j++) md5[j] = (byte) ((16 * i + j) & 0xff);
        out.write(md5);
      }
      byte[] digest = MessageDigest.getInstance("MD5").digest(buffer.data());
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) hex.append(String.format("%02x", b & 0xff));
      System.out.println(blocks + " " + buffer.data().length + " " + hex);
    }
  }
}
