// Exercises the whole public API of "clerk-wasm" as an app would; `tsc --noEmit` must accept it, and the
// expected-error lines at the end prove the types are not `any`. Never run, only type-checked.
import {
  Clerk,
  Client,
  Session,
  SignIn,
  SignUp,
  User,
  isClerkAPIResponseError,
  ready,
  type ClerkAPIResponseError,
  type ClerkOptions,
  type ClerkStatus,
  type Resources,
  type UserButtonProps,
} from "clerk-wasm";

declare global {
  interface Window {
    Clerk: Clerk;
  }
}

export async function usage(el: HTMLElement): Promise<void> {
  await ready;
  const options: ClerkOptions = {
    afterSignOutUrl: "/",
    afterMultiSessionSingleSignOutUrl: "/switched",
    afterSwitchSessionUrl: "/",
    signInUrl: "/sign-in",
    appearance: { baseTheme: "dark", variables: { colorPrimary: "#6c47ff", borderRadius: "8px" } },
    localization: { addAccount: "Add another account", switchTo: "Use {email}" },
  };
  window.Clerk = new Clerk("pk_test_MTI3LjAuMC4xOjg3ODck", options);
  const byOrigin = new Clerk("http://127.0.0.1:8787");
  await window.Clerk.load();
  await byOrigin.load({ afterSignOutUrl: "/bye" });

  // Properties.
  const loaded: boolean = window.Clerk.loaded;
  const status: ClerkStatus = window.Clerk.status;
  const signedIn: boolean = window.Clerk.isSignedIn;
  const version: string = window.Clerk.version;
  const host: string = window.Clerk.frontendApi;
  const kept: string | undefined = window.Clerk.options.afterSignOutUrl;
  void [loaded, status, signedIn, version, host, kept];

  // The guide's ClerkJS snippets, verbatim.
  const activeSession = window.Clerk.session;
  const activeUser = window.Clerk.user;
  const availableSessions = window.Clerk.client.sessions;
  window.Clerk.setSession(availableSessions[0].id);
  await window.Clerk.signOutOne();
  await window.Clerk.signOut();
  window.Clerk.mountUserButton(el);
  void [activeSession, activeUser];

  // Client.
  const client: Client = window.Clerk.client;
  const clientId: string | null = client.id;
  const lists: Session[][] = [client.sessions, client.signedInSessions, client.activeSessions];
  const last: string | null = client.lastActiveSessionId;
  void [clientId, lists, last];

  // Session.
  const session: Session | null = window.Clerk.session;
  if (session) {
    const id: string = session.id;
    const s: "active" | "ended" | "expired" | "removed" | "abandoned" | "revoked" = session.status;
    const dates: Date[] = [session.lastActiveAt, session.expireAt];
    const identifier: string | null | undefined = session.publicUserData?.identifier;
    const owner: User | null = session.user;
    const jwt: string | null = await session.getToken();
    const fresh: string | null = await session.getToken({ skipCache: true });
    const touched: Session = await session.touch();
    await session.remove();
    await session.end();
    void [id, s, dates, identifier, owner, jwt, fresh, touched];
  }

  // User.
  const user = window.Clerk.user;
  if (user) {
    const names: (string | null)[] = [user.firstName, user.lastName, user.fullName, user.username, user.primaryEmailAddressId];
    const image: string = user.imageUrl;
    const hasImage: boolean = user.hasImage;
    const primary: string | undefined = user.primaryEmailAddress?.emailAddress;
    const all: string[] = user.emailAddresses.map((e) => e.emailAddress);
    void [user.id, names, image, hasImage, primary, all];
  }

  // Adding an account: password, then an emailed code.
  const signIn: SignIn = await window.Clerk.client.signIn.create({ identifier: "ada@example.com", password: "demo-password-1" });
  if (signIn.status === "complete") await window.Clerk.setActive({ session: signIn.createdSessionId });
  const byCode = await window.Clerk.client.signIn.create({ identifier: "ada@example.com" });
  const factor = byCode.supportedFirstFactors.find((f) => f.strategy === "email_code");
  await byCode.prepareFirstFactor({ strategy: "email_code", emailAddressId: factor?.emailAddressId ?? undefined });
  await byCode.attemptFirstFactor({ strategy: "email_code", code: "123456" });
  await byCode.attemptFirstFactor({ strategy: "password", password: "demo-password-1" });
  const verification = byCode.firstFactorVerification;
  const attempts: number | null | undefined = verification?.attempts;
  const expires: Date | null | undefined = verification?.expireAt;
  void [signIn.id, signIn.identifier, attempts, expires];

  // Signing up.
  const signUp: SignUp = await window.Clerk.client.signUp.create({
    emailAddress: "grace@example.com",
    password: "demo-password-1",
    firstName: "Grace",
    lastName: "Hopper",
  });
  if (signUp.status === "missing_requirements" && signUp.unverifiedFields.includes("email_address")) {
    await signUp.prepareEmailAddressVerification();
    await signUp.attemptEmailAddressVerification({ code: "123456" });
  }
  const pending = signUp.verifications?.emailAddress?.status;
  void [signUp.id, signUp.emailAddress, signUp.createdUserId, pending];
  await window.Clerk.setActive({ session: signUp.createdSessionId });

  // Switching and signing out, every form.
  await window.Clerk.setSession(null);
  if (session) await window.Clerk.setSession(session);
  await window.Clerk.setActive({});
  await window.Clerk.signOut({ sessionId: "sess_123" });
  await window.Clerk.signOut(() => console.log("signed out"));
  await window.Clerk.signOut(() => undefined, { sessionId: "sess_123" });

  // Listeners.
  const unsubscribe: () => void = window.Clerk.addListener(({ client, session, user }: Resources) => {
    console.log(client.sessions.length, session?.id, user?.fullName);
  });
  unsubscribe();

  // Components.
  const props: UserButtonProps = { showName: true, defaultOpen: false, userProfileUrl: "/me", appearance: { baseTheme: "auto" } };
  window.Clerk.mountUserButton(el, props);
  window.Clerk.unmountUserButton(el);
  window.Clerk.mountSignIn(el, { afterSignInUrl: "/", signUpUrl: "/sign-up" });
  window.Clerk.unmountSignIn(el);
  window.Clerk.mountSignUp(el, { afterSignUpUrl: "/", signInUrl: "/sign-in" });
  window.Clerk.unmountSignUp(el);
  window.Clerk.openSignIn();
  window.Clerk.closeSignIn();
  window.Clerk.openSignUp({ localization: { createAccount: "Join" } });
  window.Clerk.closeSignUp();

  // Errors.
  try {
    await window.Clerk.signOut();
  } catch (e) {
    if (isClerkAPIResponseError(e)) {
      const err: ClerkAPIResponseError = e;
      const code: string = err.errors[0].code;
      const param: string | undefined = err.errors[0].meta.paramName;
      const httpStatus: number = err.status;
      const trace: string | null = err.clerkTraceId;
      void [code, param, httpStatus, trace];
    }
  }

  // The types are real, not `any`.
  // @ts-expect-error status is a union of four strings
  const wrongStatus: "ok" = window.Clerk.status;
  // @ts-expect-error session may be null
  window.Clerk.session.id;
  // @ts-expect-error a strategy the SDK does not speak
  await window.Clerk.client.signIn.create({ identifier: "x", strategy: "oauth_google" });
  // @ts-expect-error unknown component prop type
  window.Clerk.mountUserButton(el, { showName: "yes" });
  // @ts-expect-error unknown localization key
  window.Clerk.mountSignIn(el, { localization: { notAKey: "x" } });
  // @ts-expect-error Session has no public constructor
  new Session();
  void wrongStatus;
}
