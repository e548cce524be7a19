// Hand-written declarations of clerk-wasm/react.
import type { ReactNode, ReactElement } from "react";
import type {
  Clerk,
  ClerkOptions,
  Client,
  Session,
  SignInProps as SignInComponentProps,
  SignUpProps as SignUpComponentProps,
  User,
  UserButtonProps as UserButtonComponentProps,
} from "./index.js";

interface ProviderCommon extends ClerkOptions {
  children?: ReactNode;
}

/** `<ClerkProvider>` props: a publishable key, a frontend API origin, or an instance made elsewhere. */
export type ClerkProviderProps =
  | (ProviderCommon & { publishableKey: string; frontendApi?: never; clerk?: never })
  | (ProviderCommon & { frontendApi: string; publishableKey?: never; clerk?: never })
  | (ProviderCommon & { clerk: Clerk; publishableKey?: never; frontendApi?: never });

/** Creates (once per key) and loads the Clerk instance, and re-renders its consumers on every change. */
export function ClerkProvider(props: ClerkProviderProps): ReactElement;

/**
 * The Clerk instance with its methods bound (destructuring works: `const { session, setSession } = useClerk()`)
 * and its properties read live; the component re-renders on every change. On the server (no browser) it is a
 * not loaded stand-in: `session`, `user` and `client` are `null` and the methods reject.
 */
export function useClerk(): Clerk;

/** `{ isLoaded, isSignedIn, session }`; `isSignedIn` is `undefined` until loaded. */
export function useSession():
  | { isLoaded: false; isSignedIn: undefined; session: null }
  | { isLoaded: true; isSignedIn: true; session: Session }
  | { isLoaded: true; isSignedIn: false; session: null };

/** `{ isLoaded, isSignedIn, user }`; `isSignedIn` is `undefined` until loaded. */
export function useUser():
  | { isLoaded: false; isSignedIn: undefined; user: null }
  | { isLoaded: true; isSignedIn: true; user: User }
  | { isLoaded: true; isSignedIn: false; user: null };

/** Renders its children when this tab has an active account (nothing until loaded). */
export function SignedIn(props: { children?: ReactNode }): ReactNode;

/** Renders its children when this tab has no active account (nothing until loaded). */
export function SignedOut(props: { children?: ReactNode }): ReactNode;

/** The account menu, mounted into a `<div>`; a change of props (by value) remounts it. */
export function UserButton(props: UserButtonComponentProps): ReactElement;

/** The sign-in card, mounted into a `<div>`. */
export function SignIn(props: SignInComponentProps): ReactElement;

/** The sign-up card, mounted into a `<div>`. */
export function SignUp(props: SignUpComponentProps): ReactElement;

export type { Client, Session, User };
export type { UserButtonComponentProps as UserButtonProps, SignInComponentProps as SignInProps, SignUpComponentProps as SignUpProps };
