// Hand-written declarations of clerk-wasm's public API (stricter than wasm-bindgen's generated
// `clerk_wasm.d.ts`; tests/types/compat.ts checks the two name the same members).

/** The sign-in strategies the SDK speaks. */
export type Strategy = "password" | "email_code";

/** `Clerk.status`. */
export type ClerkStatus = "loading" | "ready" | "degraded" | "error";

/** `Session.status`. */
export type SessionStatus = "active" | "ended" | "expired" | "removed" | "abandoned" | "revoked";

/** `SignIn.status` (`null` before `create(...)`). */
export type SignInStatus = "needs_identifier" | "needs_first_factor" | "needs_second_factor" | "complete";

/** `SignUp.status` (`null` before `create(...)`). */
export type SignUpStatus = "missing_requirements" | "complete";

/** `appearance`: the base theme and CSS variables of the components. */
export interface Appearance {
  baseTheme?: "light" | "dark" | "auto";
  variables?: {
    colorPrimary?: string;
    colorBackground?: string;
    colorText?: string;
    colorDanger?: string;
    borderRadius?: string;
    fontFamily?: string;
  };
}

/** The localizable strings of the components, by key (see docs/components.md); `{email}` is substituted. */
export type LocalizationKey =
  | "openUserMenu" | "closeUserMenu" | "accountPanel" | "manageAccount" | "signOut" | "signOutAll"
  | "switchAccount" | "switchTo" | "addAccount" | "signIn" | "signUp" | "chooseAnAccount" | "continueAs"
  | "useAnotherAccount" | "emailAddress" | "password" | "firstName" | "lastName" | "emailMeACode"
  | "verificationCode" | "verify" | "resendCode" | "codeSentTo" | "createAccount" | "back" | "close"
  | "noAccount" | "haveAccount" | "passwordRequired";

/** A `localization` object: any of the components' strings replaced by key. */
export type Localization = Partial<Record<LocalizationKey, string>>;

/** Props every component accepts. */
export interface ComponentLook {
  appearance?: Appearance;
  localization?: Localization;
}

/** `mountUserButton` props. */
export interface UserButtonProps extends ComponentLook {
  showName?: boolean;
  signInUrl?: string;
  userProfileUrl?: string;
  afterSignOutUrl?: string;
  afterMultiSessionSingleSignOutUrl?: string;
  afterSwitchSessionUrl?: string;
  defaultOpen?: boolean;
}

/** `mountSignIn` / `openSignIn` props. */
export interface SignInProps extends ComponentLook {
  afterSignInUrl?: string;
  signUpUrl?: string;
}

/** `mountSignUp` / `openSignUp` props. */
export interface SignUpProps extends ComponentLook {
  afterSignUpUrl?: string;
  signInUrl?: string;
}

/** Options of `new Clerk(…, options)` and `load(options)` (later ones win; all kept in `Clerk.options`). */
export interface ClerkOptions {
  signInUrl?: string;
  afterSignOutUrl?: string;
  afterMultiSessionSingleSignOutUrl?: string;
  afterSwitchSessionUrl?: string;
  appearance?: Appearance;
  localization?: Localization;
  /** Unknown keys are kept in `Clerk.options` and otherwise ignored. */
  [key: string]: unknown;
}

/** What `addListener` callbacks receive. */
export interface Resources {
  client: Client;
  session: Session | null;
  user: User | null;
}

/** A listener registered with `addListener`. */
export type ListenerCallback = (resources: Resources) => void;

/** `{ id, emailAddress }`. */
export interface EmailAddress {
  id: string;
  emailAddress: string;
}

/** A session's `publicUserData`. */
export interface PublicUserData {
  firstName: string | null;
  lastName: string | null;
  imageUrl: string;
  hasImage: boolean;
  identifier: string | null;
  userId: string | null;
}

/** A verification's state. */
export interface Verification {
  status: string | null;
  strategy: Strategy | null;
  attempts: number | null;
  expireAt: Date | null;
}

/** One entry of `SignIn.supportedFirstFactors`. */
export interface FirstFactor {
  strategy: Strategy;
  safeIdentifier: string | null;
  emailAddressId: string | null;
}

/** One item of a Clerk error's `errors`. */
export interface ClerkAPIError {
  code: string;
  message: string;
  longMessage: string | null;
  meta: { paramName?: string; sessionId?: string };
}

/** The `Error` every rejected Promise of the SDK carries (ClerkJS's `ClerkAPIResponseError` shape). */
export interface ClerkAPIResponseError extends Error {
  name: "ClerkAPIResponseError";
  errors: ClerkAPIError[];
  /** The HTTP status, `0` when there was no answer. */
  status: number;
  clerkTraceId: string | null;
  clerkError: true;
}

/** Whether `value` is an error the SDK rejected with (it carries `errors` and `status`). */
export function isClerkAPIResponseError(value: unknown): value is ClerkAPIResponseError;

/** Resolves once the WebAssembly module is ready; the package awaits it on import, so this is already settled. */
export const ready: Promise<void>;

/** A Clerk instance for one frontend API (`window.Clerk` in the guide's snippets). */
export class Clerk {
  /**
   * A publishable key (`pk_test_…`/`pk_live_…`) or a frontend API origin/host (`"http://127.0.0.1:8787"`).
   * Throws a {@link ClerkAPIResponseError} when it is neither.
   */
  constructor(keyOrFrontendApi: string, options?: ClerkOptions);
  /** Shows the stored state at once, then reconciles with the server; rejects only when there is neither. */
  load(options?: ClerkOptions): Promise<void>;
  /** Whether `load()` has resolved. */
  readonly loaded: boolean;
  readonly status: ClerkStatus;
  /** Whether this tab has an active account. */
  readonly isSignedIn: boolean;
  /** The SDK version. */
  readonly version: string;
  /** The frontend API host (`clerk.example.com`, `127.0.0.1:8787`). */
  readonly frontendApi: string;
  /** The options in effect (constructor options overlaid by `load` options). */
  readonly options: ClerkOptions;
  /** The client (a snapshot; empty before the server created one). */
  readonly client: Client;
  /** This tab's active session, or `null`. */
  readonly session: Session | null;
  /** The active session's user, or `null`. */
  readonly user: User | null;
  /** Switches this tab's account synchronously (the Promise is already settled). */
  setSession(session: Session | string | null): Promise<void>;
  /** As `setSession`; without a `session` key nothing changes. */
  setActive(params: { session?: Session | string | null }): Promise<void>;
  /** Signs out of this tab's active session only; the others stay signed in. */
  signOutOne(): Promise<void>;
  /** Every session of this client, or `{ sessionId }` only. */
  signOut(options?: { sessionId?: string }): Promise<void>;
  /** As `signOut(options)`, then runs `callback`. */
  signOut(callback: () => void, options?: { sessionId?: string }): Promise<void>;
  /** Calls `callback` now and after every change; returns the function that unsubscribes it. */
  addListener(callback: ListenerCallback): () => void;
  mountUserButton(el: HTMLElement, props?: UserButtonProps): void;
  unmountUserButton(el: HTMLElement): void;
  mountSignIn(el: HTMLElement, props?: SignInProps): void;
  unmountSignIn(el: HTMLElement): void;
  mountSignUp(el: HTMLElement, props?: SignUpProps): void;
  unmountSignUp(el: HTMLElement): void;
  /** SignIn as a modal dialog named "Sign in". */
  openSignIn(props?: SignInProps): void;
  closeSignIn(): void;
  /** SignUp as a modal dialog named "Sign up". */
  openSignUp(props?: SignUpProps): void;
  closeSignUp(): void;
  /** Releases the instance's WebAssembly memory (the instance must not be used afterwards). */
  free(): void;
  [Symbol.dispose](): void;
}

/** The client (`Clerk.client`): a snapshot. */
export class Client {
  private constructor();
  /** `client_…`, or `null` before the server created the client. */
  readonly id: string | null;
  /** Signed-in sessions, most recently active first. */
  readonly sessions: Session[];
  /** Same as `sessions` (the newer ClerkJS name). */
  readonly signedInSessions: Session[];
  /** Same as `sessions` (the older ClerkJS name). */
  readonly activeSessions: Session[];
  /** The session most recently made active on this client (by any tab), or `null`. */
  readonly lastActiveSessionId: string | null;
  /** The current sign-in attempt (empty until `signIn.create(...)`). */
  readonly signIn: SignIn;
  /** The current sign-up attempt (empty until `signUp.create(...)`). */
  readonly signUp: SignUp;
  free(): void;
  [Symbol.dispose](): void;
}

/** A session: a snapshot of its data; methods act on the live instance. */
export class Session {
  private constructor();
  /** `sess_…`. */
  readonly id: string;
  readonly status: SessionStatus;
  readonly lastActiveAt: Date;
  readonly expireAt: Date;
  readonly user: User | null;
  readonly publicUserData: PublicUserData | null;
  /** This session's JWT (cached until shortly before it expires), or `null` when it is no longer signed in. */
  getToken(options?: { skipCache?: boolean }): Promise<string | null>;
  /** Marks this session active on the server → the updated `Session`. */
  touch(): Promise<Session>;
  /** Ends this session (status `ended`). */
  end(): Promise<void>;
  /** Signs out of this session (status `removed`). */
  remove(): Promise<void>;
  free(): void;
  [Symbol.dispose](): void;
}

/** A user (`session.user`, `Clerk.user`). */
export class User {
  private constructor();
  /** `user_…`. */
  readonly id: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** `"First Last"` (either alone), or `null`. */
  readonly fullName: string | null;
  readonly username: string | null;
  /** Avatar URL (`""` when none). */
  readonly imageUrl: string;
  readonly hasImage: boolean;
  readonly primaryEmailAddressId: string | null;
  readonly primaryEmailAddress: EmailAddress | null;
  readonly emailAddresses: EmailAddress[];
  free(): void;
  [Symbol.dispose](): void;
}

/** A sign-in attempt (`client.signIn`); updates in place like ClerkJS's resource. */
export class SignIn {
  private constructor();
  /** `sia_…`, or `null` before `create(...)`. */
  readonly id: string | null;
  readonly status: SignInStatus | null;
  readonly identifier: string | null;
  readonly supportedFirstFactors: FirstFactor[];
  readonly firstFactorVerification: Verification | null;
  /** The new session once `complete` (pass it to `setActive`), else `null`. */
  readonly createdSessionId: string | null;
  /** `email_code` as `strategy` sends a code at once. */
  create(params: { identifier: string; password?: string; strategy?: Strategy }): Promise<SignIn>;
  prepareFirstFactor(params: { strategy: "email_code"; emailAddressId?: string }): Promise<SignIn>;
  attemptFirstFactor(
    params: { strategy: "password"; password: string } | { strategy: "email_code"; code: string },
  ): Promise<SignIn>;
  free(): void;
  [Symbol.dispose](): void;
}

/** A sign-up attempt (`client.signUp`); updates in place like `SignIn`. */
export class SignUp {
  private constructor();
  /** `sua_…`, or `null` before `create(...)`. */
  readonly id: string | null;
  readonly status: SignUpStatus | null;
  readonly emailAddress: string | null;
  /** Fields still to verify (`["email_address"]` while the code is pending). */
  readonly unverifiedFields: string[];
  readonly verifications: { emailAddress: Verification | null } | null;
  readonly createdSessionId: string | null;
  readonly createdUserId: string | null;
  create(params: { emailAddress: string; password: string; firstName?: string; lastName?: string }): Promise<SignUp>;
  prepareEmailAddressVerification(): Promise<SignUp>;
  attemptEmailAddressVerification(params: { code: string }): Promise<SignUp>;
  free(): void;
  [Symbol.dispose](): void;
}
