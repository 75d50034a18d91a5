/**
 * Writes Hadoop `*-site.xml` configuration files (the <configuration><property><name/><value/>
 * layout Hadoop's org.apache.hadoop.conf.Configuration reads), for the pseudo-cluster's conf dir.
 * A pure renderer plus a file writer; reading site files belongs to lib/config.
 */
import { writeFileSync } from 'node:fs';

export interface SiteProperty {
  readonly name: string;
  readonly value: string;
  readonly description?: string;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders properties as a Hadoop site file, in the given order. */
export function renderSiteXml(properties: readonly SiteProperty[], comment?: string): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  if (comment) lines.push(`<!-- ${comment.replace(/--/g, '- -')} -->`);
  lines.push('<configuration>');
  for (const p of properties) {
    lines.push('  <property>');
    lines.push(`    <name>${escapeXml(p.name)}</name>`);
    lines.push(`    <value>${escapeXml(p.value)}</value>`);
    if (p.description) lines.push(`    <description>${escapeXml(p.description)}</description>`);
    lines.push('  </property>');
  }
  lines.push('</configuration>', '');
  return lines.join('\n');
}

/** Writes a site file (mode 0644: site files name keytab paths, never secrets). */
export function writeSiteXml(path: string, properties: readonly SiteProperty[], comment?: string): void {
  writeFileSync(path, renderSiteXml(properties, comment), { mode: 0o644 });
}
