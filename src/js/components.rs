//! The components' JavaScript API on `Clerk` (ClerkJS's names). A façade only: each method hands the element, the
//! props and the instance's options to `crate::ui`, which never throws: bad arguments are warned about.

use super::clerk::Clerk;
use crate::ui::{self, Kind, Start};
use wasm_bindgen::prelude::*;

/// The TypeScript types of the components' props.
#[wasm_bindgen(typescript_custom_section)]
const PROPS_TYPES: &str = r#"
/** `appearance`: the base theme and CSS variables of the components. */
export interface Appearance {
  baseTheme?: "light" | "dark" | "auto";
  variables?: {
    colorPrimary?: string; colorBackground?: string; colorText?: string; colorDanger?: string;
    borderRadius?: string; fontFamily?: string;
  };
}
/** Props every component accepts. */
export interface ComponentLook { appearance?: Appearance; localization?: Record<string, string>; }
/** `mountUserButton` props. */
export interface UserButtonProps extends ComponentLook {
  showName?: boolean; signInUrl?: string; userProfileUrl?: string; afterSignOutUrl?: string;
  afterMultiSessionSingleSignOutUrl?: string; afterSwitchSessionUrl?: string; defaultOpen?: boolean;
}
/** `mountSignIn` / `openSignIn` props. */
export interface SignInProps extends ComponentLook { afterSignInUrl?: string; signUpUrl?: string; }
/** `mountSignUp` / `openSignUp` props. */
export interface SignUpProps extends ComponentLook { afterSignUpUrl?: string; signInUrl?: string; }
"#;

#[wasm_bindgen]
impl Clerk {
    /// `mountUserButton(el, props?)`: the account menu, in `el` (replacing what was mounted there).
    #[wasm_bindgen(js_name = mountUserButton)]
    pub fn mount_user_button(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HTMLElement")] el: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UserButtonProps")] props: Option<JsValue>,
    ) {
        let props = props.unwrap_or_default();
        ui::mount(
            Kind::UserButton,
            &self.controller,
            &self.options().into(),
            &el,
            &props,
        );
    }

    /// `unmountUserButton(el)`: removes the UserButton in `el` with all its nodes and listeners.
    #[wasm_bindgen(js_name = unmountUserButton)]
    pub fn unmount_user_button(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HTMLElement")] el: JsValue,
    ) {
        ui::unmount(Kind::UserButton, &el);
    }

    /// `mountSignIn(el, props?)`: the sign-in card (account chooser, password, emailed code), in `el`.
    #[wasm_bindgen(js_name = mountSignIn)]
    pub fn mount_sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HTMLElement")] el: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SignInProps")] props: Option<JsValue>,
    ) {
        let props = props.unwrap_or_default();
        ui::mount(
            Kind::Flow(Start::SignIn),
            &self.controller,
            &self.options().into(),
            &el,
            &props,
        );
    }

    /// `unmountSignIn(el)`: removes the SignIn in `el`.
    #[wasm_bindgen(js_name = unmountSignIn)]
    pub fn unmount_sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HTMLElement")] el: JsValue,
    ) {
        ui::unmount(Kind::Flow(Start::SignIn), &el);
    }

    /// `mountSignUp(el, props?)`: the sign-up card, in `el`.
    #[wasm_bindgen(js_name = mountSignUp)]
    pub fn mount_sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HTMLElement")] el: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SignUpProps")] props: Option<JsValue>,
    ) {
        let props = props.unwrap_or_default();
        ui::mount(
            Kind::Flow(Start::SignUp),
            &self.controller,
            &self.options().into(),
            &el,
            &props,
        );
    }

    /// `unmountSignUp(el)`: removes the SignUp in `el`.
    #[wasm_bindgen(js_name = unmountSignUp)]
    pub fn unmount_sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HTMLElement")] el: JsValue,
    ) {
        ui::unmount(Kind::Flow(Start::SignUp), &el);
    }

    /// `openSignIn(props?)`: SignIn as a modal dialog named "Sign in".
    #[wasm_bindgen(js_name = openSignIn)]
    pub fn open_sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignInProps")] props: Option<JsValue>,
    ) {
        let props = props.unwrap_or_default();
        ui::open(
            &self.controller,
            &self.options().into(),
            &props,
            Start::SignIn,
        );
    }

    /// `closeSignIn()`: closes the SignIn modal.
    #[wasm_bindgen(js_name = closeSignIn)]
    pub fn close_sign_in(&self) {
        ui::close_modal(Kind::Modal(Start::SignIn));
    }

    /// `openSignUp(props?)`: SignUp as a modal dialog named "Sign up".
    #[wasm_bindgen(js_name = openSignUp)]
    pub fn open_sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignUpProps")] props: Option<JsValue>,
    ) {
        let props = props.unwrap_or_default();
        ui::open(
            &self.controller,
            &self.options().into(),
            &props,
            Start::SignUp,
        );
    }

    /// `closeSignUp()`: closes the SignUp modal.
    #[wasm_bindgen(js_name = closeSignUp)]
    pub fn close_sign_up(&self) {
        ui::close_modal(Kind::Modal(Start::SignUp));
    }
}
