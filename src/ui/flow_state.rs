//! The SignIn / SignUp component's state ([`Flow`]): what its views (`sign_in.rs`, `sign_up.rs`, `form.rs`, the card)
//! show, and what `flow.rs` updates.

use super::focus::Origin;
use super::props::FlowProps;
use super::screens::{Field, FormError, Screen, Start};

/// The flow's state.
pub(crate) struct Flow {
    /// The props.
    pub(crate) props: FlowProps,
    /// Where it started (and returns to after a success).
    pub(crate) start: Start,
    /// Inside a modal: the element to give the focus back to when it closes.
    pub(crate) modal: Option<Option<Origin>>,
    /// Adding an account: no chooser.
    pub(crate) add_account: bool,
    /// The screen.
    pub(crate) screen: Screen,
    /// Typed values.
    pub(crate) values: Vec<(Field, String)>,
    /// The error shown.
    pub(crate) error: Option<FormError>,
    /// A request is in flight (further submits are ignored).
    pub(crate) busy: bool,
    /// Avatar image URLs that failed to load.
    pub(crate) failed_images: Vec<String>,
}

impl Flow {
    /// A flow at its first screen.
    pub(crate) fn new(
        props: FlowProps,
        start: Start,
        modal: Option<Option<Origin>>,
        add_account: bool,
    ) -> Self {
        let mut flow = Flow {
            props,
            start,
            modal,
            add_account,
            screen: Screen::Start,
            values: Vec::new(),
            error: None,
            busy: false,
            failed_images: Vec::new(),
        };
        flow.reset();
        flow
    }

    /// Back to the first screen with empty fields.
    pub(crate) fn reset(&mut self) {
        self.screen = match self.start {
            Start::SignIn => Screen::Start,
            Start::SignUp => Screen::SignUpForm,
        };
        self.values.clear();
        self.error = None;
        self.busy = false;
    }

    /// The typed value of `field` ("" when untouched).
    pub(crate) fn value(&self, field: Field) -> &str {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, v)| v.as_str())
    }
}
