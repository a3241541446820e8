import { randomInt } from 'node:crypto';

/* Names for runs created without one, in MLflow's adjective-noun-number style: `calm-otter-417`. */

const ADJECTIVES = [
  'amber', 'bold', 'brisk', 'calm', 'clever', 'crisp', 'daring', 'eager', 'fair', 'gentle',
  'glad', 'grand', 'keen', 'kind', 'lively', 'lucid', 'mellow', 'merry', 'nimble', 'noble',
  'patient', 'proud', 'quick', 'quiet', 'rapid', 'sharp', 'shy', 'silent', 'steady', 'sunny',
  'swift', 'tidy', 'vivid', 'warm', 'wise', 'witty',
] as const;
const NOUNS = [
  'badger', 'bear', 'crane', 'deer', 'dolphin', 'eagle', 'falcon', 'finch', 'fox', 'gull',
  'hare', 'hawk', 'heron', 'ibis', 'koala', 'lark', 'lynx', 'mole', 'moose', 'newt',
  'otter', 'owl', 'panda', 'pike', 'quail', 'raven', 'robin', 'seal', 'shrew', 'sparrow',
  'stoat', 'swan', 'trout', 'vole', 'wolf', 'wren',
] as const;

export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
