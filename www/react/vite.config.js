import { defineConfig } from "vite";

// Relative asset URLs: the build works wherever dist/ is served (/react/ in the end-to-end test, /react/dist/ under
// `npm start`). JSX needs no plugin: Vite 8 compiles .jsx with React's automatic runtime by itself.
export default defineConfig({ base: "./" });
