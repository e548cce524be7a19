// clerk-wasm/react: React bindings (plain ESM, no JSX, no build step). React is a peer dependency.
// Importing this module touches no browser global: the Clerk instance is created on the first render in a
// browser, so server-side rendering imports and renders it safely (signed-in state is unknown there: <SignedIn>
// and <SignedOut> render nothing until the instance has loaded, as in @clerk/clerk-react).
import {
  createContext,
  createElement,
  useContext,
  useEffect,
  useRef,
  useSyncExternalStore,
} from "react";
import { Clerk } from "./index.js";

/** One instance per frontend API for the page's lifetime (StrictMode renders twice; remounts keep the instance). */
const instances = new Map();

function instanceFor(key, options) {
  let clerk = instances.get(key);
  if (!clerk) {
    clerk = new Clerk(key, options);
    instances.set(key, clerk);
  }
  return clerk;
}

/** The snapshot seen before the instance exists (server rendering, hydration) and while it loads. */
const NOT_LOADED = Object.freeze({ loaded: false, client: null, session: null, user: null, version: 0 });

/**
 * A store over one instance for useSyncExternalStore: a single `addListener` subscription while React has
 * subscribers; every emit (and the end of `load()`) makes a new snapshot, so every consumer re-renders.
 */
function storeFor(clerk) {
  let snapshot = NOT_LOADED;
  let version = 0;
  const subscribers = new Set();
  let unsubscribe = null;
  const publish = (resources) => {
    const { client, session, user } = resources ?? clerk;
    snapshot = Object.freeze({ loaded: clerk.loaded, client, session, user, version: ++version });
    for (const notify of subscribers) notify();
  };
  return {
    clerk,
    refresh: () => publish(null),
    getSnapshot: () => snapshot,
    subscribe(notify) {
      subscribers.add(notify);
      if (!unsubscribe) unsubscribe = clerk.addListener(publish); // calls publish at once
      return () => {
        subscribers.delete(notify);
        if (subscribers.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
        }
      };
    },
  };
}

const stores = new WeakMap();
function store(clerk) {
  let s = stores.get(clerk);
  if (!s) {
    s = storeFor(clerk);
    stores.set(clerk, s);
  }
  return s;
}

/** A stand-in store for server rendering: never loaded, never changes. */
const SERVER_STORE = Object.freeze({
  clerk: null,
  refresh() {},
  getSnapshot: () => NOT_LOADED,
  subscribe: () => () => {},
});

/**
 * The instance seen through a Proxy that binds its methods, so destructuring works as with ClerkJS
 * (`const { setSession, signOut } = useClerk()`), while properties (`session`, `user`, `client`, …) are read
 * from the live instance.
 */
const views = new WeakMap();
function viewOf(clerk) {
  let view = views.get(clerk);
  if (!view) {
    const bound = new Map();
    view = new Proxy(clerk, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function" || prop === "constructor") return value;
        if (!bound.has(prop)) bound.set(prop, value.bind(target));
        return bound.get(prop);
      },
    });
    views.set(clerk, view);
  }
  return view;
}

/** Used on the server (and before a provider): a signed-out, not loaded Clerk whose methods reject. */
const unavailable = () => Promise.reject(new Error("clerk-wasm: Clerk is not available here (no browser, or no <ClerkProvider>)"));
const SERVER_VIEW = Object.freeze({
  loaded: false,
  status: "loading",
  isSignedIn: false,
  session: null,
  user: null,
  client: null,
  load: unavailable,
  setSession: unavailable,
  setActive: unavailable,
  signOutOne: unavailable,
  signOut: unavailable,
  addListener: () => () => {},
});

const ClerkContext = createContext(null);

/**
 * `<ClerkProvider publishableKey="pk_test_…">` or `<ClerkProvider frontendApi="http://127.0.0.1:8787">`; other
 * props are Clerk options (`afterSignOutUrl`, `appearance`, …). `clerk` may pass an instance made elsewhere.
 */
export function ClerkProvider({ publishableKey, frontendApi, clerk: given, children, ...options }) {
  const key = publishableKey ?? frontendApi;
  let clerk = given ?? null;
  if (!clerk && typeof document !== "undefined") {
    if (!key) throw new Error("clerk-wasm: <ClerkProvider> needs publishableKey or frontendApi");
    clerk = instanceFor(key, options);
  }
  const s = clerk ? store(clerk) : SERVER_STORE;
  const optionsKey = JSON.stringify(options);
  useEffect(() => {
    if (!clerk) return undefined;
    let live = true;
    clerk.load(options).then(
      () => live && s.refresh(),
      (error) => {
        if (live) s.refresh();
        console.error("clerk-wasm: load failed:", error);
      },
    );
    return () => {
      live = false;
    };
    // `options` is compared by value through optionsKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [clerk, optionsKey]);
  return createElement(ClerkContext.Provider, { value: s }, children);
}

function useStore() {
  const s = useContext(ClerkContext);
  if (!s) throw new Error("clerk-wasm: hooks and components must be used inside <ClerkProvider>");
  const snapshot = useSyncExternalStore(s.subscribe, s.getSnapshot, SERVER_STORE.getSnapshot);
  return [s, snapshot];
}

/**
 * The Clerk instance (re-rendering on every change): `const { session, user, client, setSession, setActive,
 * signOutOne, signOut } = useClerk()`. On the server: a not loaded stand-in whose methods reject.
 */
export function useClerk() {
  const [s] = useStore();
  return s.clerk ? viewOf(s.clerk) : SERVER_VIEW;
}

/** `{ isLoaded, isSignedIn, session }`. */
export function useSession() {
  const [, snap] = useStore();
  return { isLoaded: snap.loaded, isSignedIn: snap.loaded ? snap.session !== null : undefined, session: snap.session };
}

/** `{ isLoaded, isSignedIn, user }`. */
export function useUser() {
  const [, snap] = useStore();
  return { isLoaded: snap.loaded, isSignedIn: snap.loaded ? snap.user !== null : undefined, user: snap.user };
}

/** Renders its children when this tab has an active account (nothing until loaded). */
export function SignedIn({ children }) {
  const [, snap] = useStore();
  return snap.loaded && snap.session ? children ?? null : null;
}

/** Renders its children when this tab has no active account (nothing until loaded). */
export function SignedOut({ children }) {
  const [, snap] = useStore();
  return snap.loaded && !snap.session ? children ?? null : null;
}

/** A Rust-rendered component mounted into a div; props changes (by value) remount it. */
function mounted(mountName, unmountName, displayName) {
  function Component(props) {
    const s = useContext(ClerkContext);
    if (!s) throw new Error(`clerk-wasm: <${displayName}> must be used inside <ClerkProvider>`);
    const ref = useRef(null);
    const propsKey = JSON.stringify(props);
    useEffect(() => {
      const clerk = s.clerk;
      const el = ref.current;
      if (!clerk || !el) return undefined;
      clerk[mountName](el, JSON.parse(propsKey));
      return () => clerk[unmountName](el);
    }, [s, propsKey]);
    return createElement("div", { ref, "data-clerk-component": displayName });
  }
  Component.displayName = displayName;
  return Component;
}

/** The account menu (`mountUserButton`). */
export const UserButton = mounted("mountUserButton", "unmountUserButton", "UserButton");
/** The sign-in card (`mountSignIn`). */
export const SignIn = mounted("mountSignIn", "unmountSignIn", "SignIn");
/** The sign-up card (`mountSignUp`). */
export const SignUp = mounted("mountSignUp", "unmountSignUp", "SignUp");
