// The audit writer thread's entry: TypeScript runs through tsx here too (a worker does not inherit
// the main thread's module hooks), then the thread itself starts.
import { register } from 'tsx/esm/api';

register();
await import('./audit-writer.thread.ts');
