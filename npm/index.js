// clerk-wasm's package entry (ESM, for bundlers and browsers). It initialises the WebAssembly module once, with
// top-level await, so `new Clerk(...)` works as soon as the import resolved: users never call `init()`.
// In a non-browser environment (server-side rendering, Node) the module is not fetched: importing is safe, and
// constructing a `Clerk` there throws.
import init, {
  Clerk,
  Client,
  Session,
  SignIn,
  SignUp,
  User,
  isClerkAPIResponseError,
} from "./clerk_wasm.js";

export { Clerk, Client, Session, SignIn, SignUp, User, isClerkAPIResponseError };

const inBrowser = typeof document !== "undefined";

/** Resolves once the WebAssembly module is ready (at once after this module was imported in a browser). */
export const ready = inBrowser
  ? init({ module_or_path: new URL("./clerk_wasm_bg.wasm", import.meta.url) }).then(() => undefined)
  : Promise.resolve();

await ready;
