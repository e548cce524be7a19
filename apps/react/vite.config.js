import { defineConfig } from "vite";

// Built into www/react/, which the reference server serves at /react/ (next to the script-tag demo at /), both under
// `npm start` and in the end-to-end test; relative asset URLs keep the build independent of where it is served.
// JSX needs no plugin: Vite 8 compiles .jsx with React's automatic runtime by itself.
export default defineConfig({
  base: "./",
  // Outside the app's folder, so Vite must be told that emptying it is intended (it holds only the last build).
  build: { outDir: "../../www/react", emptyOutDir: true },
});
