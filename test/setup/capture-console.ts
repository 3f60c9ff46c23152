// Runs in every test file (jest setupFiles): console output also goes to the suite-wide capture.
import { format } from "node:util";
import { recordOutput } from "../helpers/capture";

for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    recordOutput(`console.${level} in ${expect.getState().testPath ?? "setup"}`, format(...args));
    original(...args);
  };
}
