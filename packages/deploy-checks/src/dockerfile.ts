/** One Dockerfile instruction, with continuation lines joined and comments dropped. */
export interface DockerInstruction {
  keyword: string;
  /** The rest of the instruction, continuations joined with a space. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
  /** Index of the FROM stage it belongs to (-1 before the first FROM). */
  stage: number;
}

export interface DockerStage {
  image: string;
  name: string | undefined;
  instructions: DockerInstruction[];
}

export interface ParsedDockerfile {
  /** Global ARGs (before the first FROM) with their defaults. */
  args: Record<string, string>;
  stages: DockerStage[];
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into instructions and stages, as BuildKit reads it (the subset this repository uses). */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split('\n');
  const instructions: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  const args: Record<string, string> = {};
  for (let i = 0; i < lines.length; i += 1) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i;
    let joined = first;
    // Comment and blank lines inside a continuation are dropped; the continuation goes on past them.
    let continues = joined.endsWith('\\');
    if (continues) joined = joined.slice(0, -1).trimEnd();
    while (continues && i + 1 < lines.length) {
      i += 1;
      const next = lines[i]!.trim();
      if (next.startsWith('#') || next === '') continue;
      continues = next.endsWith('\\');
      joined += ` ${continues ? next.slice(0, -1).trimEnd() : next}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(joined)!;
    const keyword = match[1]!.toUpperCase();
    const rest = match[2]!.trim();
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      stages.push({ image: expandArgs(from?.[1] ?? rest, args), name: from?.[2], instructions: [] });
    } else if (keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=', 2);
      args[name!] = value;
    }
    const instruction = { keyword, args: rest, line: start + 1, stage: stages.length - 1 };
    instructions.push(instruction);
    if (keyword !== 'FROM') stages[stages.length - 1]?.instructions.push(instruction);
  }
  return { args, stages, instructions };
}

function expandArgs(value: string, args: Record<string, string>): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => args[name] ?? whole);
}

/** The sources of a COPY (every argument but flags and the destination), and its --from stage if any. */
export function copySources(instruction: DockerInstruction): { from: string | undefined; sources: string[]; destination: string } {
  const words = instruction.args.split(/\s+/);
  const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((word) => !word.startsWith('--'));
  return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] ?? '' };
}
