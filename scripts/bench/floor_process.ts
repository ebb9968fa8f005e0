/**
 * The floor as a plain script in a process of its own: the bench times it from outside, as it
 * times the CLI, and samples its memory. Reads the emulators' ready line (JSON) as its one
 * argument; prints what it read (requests, bytes, rows, its own inner time) as JSON.
 */
import { measureFloor } from "./floor.ts";
import type { RunnerReady } from "./protocol.ts";

const ready = JSON.parse(Deno.args[0] ?? "") as RunnerReady;
console.log(JSON.stringify(await measureFloor(ready)));
