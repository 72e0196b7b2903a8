// The mapping thread's entry: TypeScript runs through tsx here too (a worker does not inherit the
// main thread's module hooks), then the thread itself starts.
import { register } from 'tsx/esm/api';

register();
await import('./map-thread.thread.ts');
