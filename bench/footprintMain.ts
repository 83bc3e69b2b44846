// Entry of main's process for the footprint bench (bench/mainProcess.ts).
import { runMainProcess } from './mainProcess.js';

await runMainProcess();
