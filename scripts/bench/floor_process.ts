/**
 * The floor in a process of its own, for its peak RSS: what merely downloading and parsing the
 * pages of a full sync costs in memory, next to the CLI's figure. Reads the emulators' ready line
 * (JSON) as its one argument; prints the floor's result as JSON.
 */
import { measureFloor } from "./floor.ts";
import type { RunnerReady } from "./protocol.ts";

const ready = JSON.parse(Deno.args[0] ?? "") as RunnerReady;
console.log(JSON.stringify(await measureFloor(ready)));
