/** A Dockerfile as stages of instructions, read with dockerfile-ast. */
import { DockerfileParser } from 'dockerfile-ast';

export interface Step {
  readonly keyword: string;
  /** Arguments as written, continuation lines joined. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  /** Image or earlier stage name this stage starts from. */
  readonly from: string;
  readonly fromTag: string | null;
  readonly fromDigest: string | null;
  readonly steps: readonly Step[];
}

export function stagesOf(text: string): Stage[] {
  const stages: { name: string; from: string; fromTag: string | null; fromDigest: string | null; steps: Step[] }[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = (instruction.getRawArgumentsContent() ?? '')
      .replace(/\\\r?\n/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const from = instruction as unknown as {
        getImageName(): string | null;
        getImageTag(): string | null;
        getImageDigest(): string | null;
        getBuildStage(): string | null;
      };
      stages.push({
        name: from.getBuildStage() ?? String(stages.length),
        from: from.getImageName() ?? '',
        fromTag: from.getImageTag(),
        fromDigest: from.getImageDigest(),
        steps: [],
      });
    } else if (stages.length > 0) {
      stages.at(-1)!.steps.push({ keyword, args, line });
    }
  }
  return stages;
}

/** The stage and the earlier stages it builds on, nearest first. */
export function lineage(stages: readonly Stage[], stage: Stage): Stage[] {
  const chain: Stage[] = [stage];
  let current = stage;
  for (;;) {
    const parent = stages.find(s => s.name === current.from);
    if (!parent || chain.includes(parent)) return chain;
    chain.push(parent);
    current = parent;
  }
}

/** Stages someone runs: the targets compose builds (dev, prod) or, without names, the last one. */
export function runnableStages(stages: readonly Stage[]): Stage[] {
  const named = stages.filter(s => s.name === 'dev' || s.name === 'prod');
  return named.length > 0 ? named : stages.slice(-1);
}

export const isJsonForm = (args: string): boolean => {
  try {
    return Array.isArray(JSON.parse(args));
  } catch {
    return false;
  }
};
