import type { DestinationStream } from 'pino';

const LEVEL_COLOURS: Record<string, string> = {
  fatal: '\x1b[35m',
  error: '\x1b[31m',
  warn: '\x1b[33m',
  info: '\x1b[32m',
  debug: '\x1b[36m',
  trace: '\x1b[90m',
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const STANDARD_KEYS = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/**
 * Turns pino's JSON lines into `12:00:01.123 INFO  message {context}` for a developer's terminal.
 * A few lines instead of pino-pretty, which would add a worker thread and a dependency tree
 * for something only used interactively.
 */
export function createPrettyStream(out: { write(line: string): unknown }): DestinationStream {
  return {
    write(line: string): void {
      out.write(formatLine(line));
    },
  };
}

export function formatLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof entry.level === 'string' ? entry.level : 'info';
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  const context: Record<string, unknown> = {};
  let stack = '';
  for (const [key, value] of Object.entries(entry)) {
    if (STANDARD_KEYS.has(key)) continue;
    if (key === 'err' && typeof value === 'object' && value !== null && 'stack' in value) {
      stack = `\n${String(value.stack)}`;
      continue;
    }
    context[key] = value;
  }
  const rest = Object.keys(context).length > 0 ? ` ${DIM}${JSON.stringify(context)}${RESET}` : '';
  const colour = LEVEL_COLOURS[level] ?? '';
  return `${DIM}${time}${RESET} ${colour}${level.toUpperCase().padEnd(5)}${RESET} ${message}${rest}${stack}\n`;
}
