import { readFileSync } from 'fs';

export async function leakyWorkflow(): Promise<string> {
  return readFileSync('/etc/hostname', 'utf8');
}
