//! The SignIn / SignUp component: one state machine for both (SignIn's "Sign up" and SignUp's "Sign in" switch
//! screens in place), mounted in the page or inside a modal. Screens are drawn by `sign_in.rs` and `sign_up.rs`.

use super::env::Env;
use super::events::{Action, EventKind, Key, UiEvent};
use super::flow_state::Flow;
use super::focus::Focus;
use super::localization::Text;
use super::props::FlowProps;
use super::runtime::{Component, Effect, Runtime, Step};
use super::screens::{Field, FormError, Screen, Start};
use super::{card, dom::El, part::Part, sign_in, sign_up};
use crate::clerk::{Controller, FactorParams, SignInCall, SignInParams, SignUpCall, SignUpParams};
use crate::core::error::codes;
use crate::core::wire::{SignIn, SignInStatus, SignUp, SignUpStatus, Verification};
use crate::core::ClerkError;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::Element;

/// What happens to a flow.
pub(crate) enum Msg {
    /// Typing into a field.
    Input(Field, String),
    /// The form was submitted.
    Submit,
    /// "Email me a code".
    EmailCode,
    /// "Resend code".
    Resend,
    /// "Continue as …".
    ContinueAs(String),
    /// "Use another account".
    UseAnother,
    /// "Back".
    Back,
    /// "Sign up" link.
    ToSignUp,
    /// "Sign in" link.
    ToSignIn,
    /// Escape, the close button or a click on the backdrop (modal only).
    Close,
    /// Tab / Shift+Tab inside the modal.
    Tab(bool),
    /// A sign-in call answered.
    SignedIn(Result<SignIn, ClerkError>),
    /// A sign-up call answered.
    SignedUp(Result<SignUp, ClerkError>),
    /// A code was sent again.
    Resent(Result<(), ClerkError>),
    /// An avatar image failed to load.
    ImageFailed(String),
    /// The instance's state changed.
    StateChanged,
}

/// Mounts a flow into `host`.
pub(crate) fn mount(env: Rc<Env>, host: &Element, props: &JsValue, start: Start) -> Rc<Runtime> {
    let what = match start {
        Start::SignIn => "SignIn props",
        Start::SignUp => "SignUp props",
    };
    let flow = Flow::new(FlowProps::read(props, what), start, None, false);
    Runtime::start(env, host.clone(), false, flow)
}

impl Flow {
    /// Sets the typed value of `field`.
    fn set(&mut self, field: Field, value: String) {
        match self.values.iter_mut().find(|(f, _)| *f == field) {
            Some(slot) => slot.1 = value,
            None => self.values.push((field, value)),
        }
    }

    /// A typed value, or `None` when empty.
    fn given(&self, field: Field) -> Option<String> {
        let value = self.value(field).trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// Goes to `screen`, clearing the error, and moves the focus to its first control.
    fn go(&mut self, screen: Screen) -> Step<Msg> {
        self.screen = screen;
        self.error = None;
        self.busy = false;
        Step::render().then(Effect::Focus(Focus::First(Part::Dialog)))
    }

    /// Starts `call`: busy, no error, and its answer comes back as a message.
    fn request(&mut self, env: &Env, call: Call) -> Step<Msg> {
        self.busy = true;
        self.error = None;
        Step::render().spawn(Box::pin(call.run(env.controller.clone())))
    }

    /// Shows `e` next to the form.
    fn fail(&mut self, e: &ClerkError) -> Step<Msg> {
        self.busy = false;
        self.error = Some(FormError::from_clerk(e));
        Step::render()
    }

    /// The sign-in form needs a password.
    fn password_required(&mut self, env: &Env) -> Step<Msg> {
        self.busy = false;
        self.error = Some(FormError {
            message: env.strings.get(Text::PasswordRequired).to_string(),
            field: Some(Field::Password),
        });
        Step::render().then(Effect::Focus(Focus::Key(Field::Password.name())))
    }

    /// A session is ready: make it active, follow `after_url`, close the modal or start over.
    fn finish(&mut self, session: String, after: Option<String>) -> Step<Msg> {
        self.reset();
        let step = Step::render().then(Effect::Activate {
            session,
            after,
            failure: "could not activate the new session: ",
        });
        if self.modal.is_some() {
            step.then(Effect::Close)
        } else {
            step
        }
    }

    /// Submits the current screen's form.
    fn submit(&mut self, env: &Env) -> Step<Msg> {
        let call = match self.screen.clone() {
            Screen::Start | Screen::SignInForm if self.value(Field::Password).is_empty() => {
                return self.password_required(env);
            }
            Screen::Start | Screen::SignInForm => Call::SignIn(SignInParams {
                identifier: self.given(Field::Email),
                password: Some(self.value(Field::Password).to_string()),
                strategy: Some("password".into()),
            }),
            Screen::SignInCode { attempt } => Call::SignInCode {
                attempt,
                code: self.given(Field::Code),
            },
            Screen::SignUpForm => Call::SignUp(SignUpParams {
                email_address: self.given(Field::Email),
                password: Some(self.value(Field::Password).to_string()).filter(|p| !p.is_empty()),
                first_name: self.given(Field::FirstName),
                last_name: self.given(Field::LastName),
            }),
            Screen::SignUpCode { attempt } => Call::SignUpCode {
                attempt,
                code: self.given(Field::Code),
            },
        };
        self.request(env, call)
    }

    /// A sign-in answered.
    fn signed_in(&mut self, env: &Env, answer: Result<SignIn, ClerkError>) -> Step<Msg> {
        let after = self.props.after_sign_in_url.clone();
        match answer {
            Ok(s) => match (s.status, s.created_session_id) {
                (SignInStatus::Complete, Some(session)) => self.finish(session, after),
                (SignInStatus::NeedsFirstFactor, _)
                    if sent_code(s.first_factor_verification.as_ref()) =>
                {
                    self.set(Field::Code, String::new());
                    self.go(Screen::SignInCode { attempt: s.id })
                }
                (SignInStatus::NeedsFirstFactor, _) => self.password_required(env),
                _ => self.fail(&unsupported()),
            },
            Err(e) => match e
                .session_id_meta()
                .filter(|_| e.is_code(codes::IDENTIFIER_ALREADY_SIGNED_IN))
            {
                // Already signed in on this client: switch to it instead of showing an error.
                Some(session) => self.finish(session.to_string(), after),
                None => self.fail(&e),
            },
        }
    }

    /// A sign-up answered.
    fn signed_up(&mut self, answer: Result<SignUp, ClerkError>) -> Step<Msg> {
        match answer {
            Ok(s) => match (s.status, s.created_session_id) {
                (SignUpStatus::Complete, Some(session)) => {
                    let after = self.props.after_sign_up_url.clone();
                    self.finish(session, after)
                }
                (SignUpStatus::MissingRequirements, _)
                    if !matches!(self.screen, Screen::SignUpCode { .. }) =>
                {
                    self.set(Field::Code, String::new());
                    self.go(Screen::SignUpCode { attempt: s.id })
                }
                (SignUpStatus::MissingRequirements, _) => {
                    self.busy = false;
                    Step::render()
                }
                _ => self.fail(&unsupported()),
            },
            Err(e) => self.fail(&e),
        }
    }

    /// "Resend code" for the current code screen.
    fn resend(&mut self, env: &Env) -> Step<Msg> {
        match self.screen.clone() {
            Screen::SignInCode { attempt } => self.request(env, Call::ResendSignInCode(attempt)),
            Screen::SignUpCode { attempt } => self.request(env, Call::ResendSignUpCode(attempt)),
            _ => Step::quiet(),
        }
    }

    /// "Sign up" / "Sign in": the URL if one is configured, else the other screen in place.
    fn switch_component(&mut self, url: Option<String>, screen: Screen) -> Step<Msg> {
        match url {
            Some(url) => Step::quiet().then(Effect::Navigate(url)),
            None => self.go(screen),
        }
    }
}

/// A server call of the flow, whose answer comes back as a message. One `async` function serves them all: one
/// future type in the binary rather than one per call.
enum Call {
    /// `signIn.create` (with a password, or `email_code`, which sends a code at once).
    SignIn(SignInParams),
    /// `attemptFirstFactor` with an emailed code.
    SignInCode {
        /// The sign-in attempt.
        attempt: String,
        /// The typed code.
        code: Option<String>,
    },
    /// `prepareFirstFactor`: the sign-in code again.
    ResendSignInCode(String),
    /// `signUp.create`, then the verification email when the instance requires one.
    SignUp(SignUpParams),
    /// `attemptEmailAddressVerification`.
    SignUpCode {
        /// The sign-up attempt.
        attempt: String,
        /// The typed code.
        code: Option<String>,
    },
    /// `prepareEmailAddressVerification`: the sign-up code again.
    ResendSignUpCode(String),
}

impl Call {
    /// Makes the call; the answer as a message.
    async fn run(self, controller: Controller) -> Msg {
        match self {
            Call::SignIn(params) => {
                Msg::SignedIn(controller.sign_in(SignInCall::Create(params)).await)
            }
            Call::SignInCode { attempt, code } => {
                let call = SignInCall::AttemptFirstFactor(attempt, code_params(code));
                Msg::SignedIn(controller.sign_in(call).await)
            }
            Call::ResendSignInCode(attempt) => {
                let call = SignInCall::PrepareFirstFactor(attempt, code_params(None));
                Msg::Resent(controller.sign_in(call).await.map(|_| ()))
            }
            Call::SignUp(params) => {
                let created = controller.sign_up(SignUpCall::Create(params)).await;
                // Verification required: send the code right away.
                Msg::SignedUp(match created {
                    Ok(s) if s.status == SignUpStatus::MissingRequirements => {
                        let call = SignUpCall::PrepareEmailVerification(s.id);
                        controller.sign_up(call).await
                    }
                    other => other,
                })
            }
            Call::SignUpCode { attempt, code } => {
                let call = SignUpCall::AttemptEmailVerification(attempt, code);
                Msg::SignedUp(controller.sign_up(call).await)
            }
            Call::ResendSignUpCode(attempt) => {
                let call = SignUpCall::PrepareEmailVerification(attempt);
                Msg::Resent(controller.sign_up(call).await.map(|_| ()))
            }
        }
    }
}

/// Whether a sign-in's first factor is an emailed code that was sent.
fn sent_code(verification: Option<&Verification>) -> bool {
    verification.and_then(|v| v.strategy.as_deref()) == Some("email_code")
}

/// `attemptFirstFactor` / `prepareFirstFactor` parameters for an emailed code.
fn code_params(code: Option<String>) -> FactorParams {
    FactorParams {
        strategy: Some("email_code".into()),
        code,
        ..FactorParams::default()
    }
}

/// The error for an attempt status these components cannot finish (a second factor, an unknown status).
fn unsupported() -> ClerkError {
    ClerkError::single(
        0,
        "unsupported_status",
        "This sign-in needs a step these components do not support.",
    )
}

impl Component for Flow {
    type Msg = Msg;
    const ROOT_CLASS: &'static str = "cw-root cw-flow";

    fn decode(&self, event: &UiEvent) -> Option<Msg> {
        match event.kind {
            EventKind::Input => {
                let (name, value) = event.input()?;
                let field = Field::ALL.into_iter().find(|f| f.name() == name)?;
                Some(Msg::Input(field, value))
            }
            EventKind::Error => event.image_src().map(Msg::ImageFailed),
            EventKind::Submit => {
                event.prevent_default();
                Some(Msg::Submit)
            }
            EventKind::KeyDown if self.modal.is_some() => {
                let msg = match event.key()? {
                    Key::Escape => Msg::Close,
                    Key::Tab => Msg::Tab(event.shift()),
                    _ => return None,
                };
                event.prevent_default();
                Some(msg)
            }
            EventKind::Click => Some(match event.action()? {
                (Action::EmailCode, _) => Msg::EmailCode,
                (Action::Resend, _) => Msg::Resend,
                (Action::Continue, arg) => Msg::ContinueAs(arg?),
                (Action::UseAnother, _) => Msg::UseAnother,
                (Action::Back, _) => Msg::Back,
                (Action::ToSignUp, _) => Msg::ToSignUp,
                (Action::ToSignIn, _) => Msg::ToSignIn,
                (Action::Close, _) => Msg::Close,
                (Action::Backdrop, _) if !event.within(Part::Dialog) => Msg::Close,
                _ => return None,
            }),
            _ => None,
        }
    }

    fn state_changed(&self) -> Msg {
        Msg::StateChanged
    }

    fn update(&mut self, msg: Msg, env: &Env) -> Step<Msg> {
        match msg {
            Msg::Input(field, value) => {
                self.set(field, value);
                Step::quiet()
            }
            Msg::Submit | Msg::EmailCode | Msg::Resend if self.busy => Step::quiet(),
            Msg::Submit => self.submit(env),
            Msg::EmailCode => {
                let params = SignInParams {
                    identifier: self.given(Field::Email),
                    strategy: Some("email_code".into()),
                    ..SignInParams::default()
                };
                self.request(env, Call::SignIn(params))
            }
            Msg::Resend => self.resend(env),
            Msg::ContinueAs(session) => {
                let after = self.props.after_sign_in_url.clone();
                self.finish(session, after)
            }
            Msg::UseAnother => self.go(Screen::SignInForm),
            Msg::Back => match self.screen {
                Screen::SignInCode { .. } => self.go(Screen::SignInForm),
                Screen::SignUpCode { .. } => self.go(Screen::SignUpForm),
                _ => self.go(Screen::Start),
            },
            Msg::ToSignUp => {
                self.switch_component(self.props.sign_up_url.clone(), Screen::SignUpForm)
            }
            Msg::ToSignIn => self.switch_component(self.props.sign_in_url.clone(), Screen::Start),
            Msg::Close if self.modal.is_some() => Step::quiet().then(Effect::Close),
            Msg::Close => Step::quiet(),
            Msg::Tab(back) => Step::quiet().then(Effect::Focus(Focus::Cycle {
                part: Part::Dialog,
                back,
            })),
            Msg::SignedIn(answer) => self.signed_in(env, answer),
            Msg::SignedUp(answer) => self.signed_up(answer),
            Msg::Resent(Ok(())) => {
                self.busy = false;
                Step::render()
            }
            Msg::Resent(Err(e)) => self.fail(&e),
            Msg::ImageFailed(url) if !self.failed_images.contains(&url) => {
                self.failed_images.push(url);
                Step::render()
            }
            Msg::ImageFailed(_) => Step::quiet(),
            Msg::StateChanged => Step::render(),
        }
    }

    fn view(&self, env: &Env, root: &El) {
        card::frame(self, env, root, |card| {
            if self.screen.is_sign_up() {
                sign_up::view(self, env, card)
            } else {
                sign_in::view(self, env, card)
            }
        });
    }

    fn unmounted(&self) {
        if let Some(Some(previous)) = &self.modal {
            super::focus::return_to(previous);
        }
    }
}
