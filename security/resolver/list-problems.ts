/**
 * Typed warnings about lists (whitelists, principal rules): a line that does not parse, a host name
 * that does not resolve, a list that cannot be read. Problems are data returned by the pure
 * parsers; `reportListProblem` turns one into a pino warning (file, line, code) and an
 * `hsec:resolver:list-problem` diagnostics event. A problem never widens access: the line is
 * skipped, an unreadable list fails closed.
 */
import { channel } from 'node:diagnostics_channel';
import type { Logger } from '../../lib/log/logger.ts';

export const listProblemChannel = channel('hsec:resolver:list-problem');
export const listLoadedChannel = channel('hsec:resolver:list-loaded');

export type ListProblem =
  /** The line is not an entry of this list; skipped. */
  | { readonly code: 'LIST_BAD_LINE'; readonly origin: string; readonly line: number; readonly text: string; readonly reason: string }
  /** A host name entry that does not resolve; skipped (Hadoop's MachineList drops it too). */
  | { readonly code: 'LIST_UNRESOLVED_HOST'; readonly origin: string; readonly line: number; readonly text: string; readonly reason: string }
  /** The whole list cannot be read; `consequence` says what failing closed means for it. */
  | { readonly code: 'LIST_UNAVAILABLE'; readonly origin: string; readonly reason: string; readonly missing: boolean; readonly consequence: string };

/** Payload of `hsec:resolver:list-loaded`. */
export interface ListLoadedEvent {
  /** What the list is, e.g. "fixed whitelist". */
  readonly list: string;
  readonly origin: string;
  readonly available: boolean;
  readonly entries: number;
  readonly problems: number;
}

const MAX_SHOWN = 200;

/** The warning text for a problem. */
export function describeListProblem(p: ListProblem): string {
  switch (p.code) {
    case 'LIST_BAD_LINE':
    case 'LIST_UNRESOLVED_HOST': {
      const shown = p.text.length > MAX_SHOWN ? `${p.text.slice(0, MAX_SHOWN)}...` : p.text;
      return `${p.origin} line ${p.line}: ${p.reason} ("${shown}"); line skipped`;
    }
    case 'LIST_UNAVAILABLE':
      return `${p.origin} cannot be read (${p.reason}); failing closed: ${p.consequence}`;
  }
}

/** Logs a problem as a warning and publishes it. */
export function reportListProblem(log: Logger, list: string, problem: ListProblem): void {
  const line = 'line' in problem ? problem.line : undefined;
  log.warn({ code: problem.code, list, file: problem.origin, line }, describeListProblem(problem));
  if (listProblemChannel.hasSubscribers) listProblemChannel.publish({ list, ...problem });
}
