//! The page's registry of mounted components: which host holds which kind, so mounting into a host replaces what
//! it held and `unmount…`/`close…` find their component. It knows mounted components only as [`Mounted`].

use super::screens::Start;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::Element;

/// A mounted component, as the registry sees it.
pub(crate) trait Mounted {
    /// Removes every node and listener of the component.
    fn unmount(&self);
}

/// Which component a host holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `mountUserButton`.
    UserButton,
    /// `mountSignIn` / `mountSignUp`.
    Flow(Start),
    /// `openSignIn` / `openSignUp`.
    Modal(Start),
}

/// One mounted component.
pub(crate) struct Entry {
    /// Where it is mounted.
    pub(crate) host: Element,
    /// What it is.
    pub(crate) kind: Kind,
    /// The component.
    mounted: Rc<dyn Mounted>,
}

thread_local! {
    /// Every mounted component of this page.
    static MOUNTS: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// How many components are mounted.
pub(crate) fn count() -> usize {
    MOUNTS.with(|m| m.borrow().len())
}

/// Records a new mount, replacing whatever `host` held.
pub(crate) fn register(host: Element, kind: Kind, mounted: Rc<dyn Mounted>) {
    unmount_host(&host);
    MOUNTS.with(|m| {
        m.borrow_mut().push(Entry {
            host,
            kind,
            mounted,
        })
    });
}

/// Unmounts entries chosen by `pick` (outside the registry borrow: unmounting runs component code). `&dyn`: one
/// copy of this code in the binary rather than one per caller.
pub(crate) fn unmount_where(pick: &dyn Fn(&Entry) -> bool) {
    let removed: Vec<Entry> = MOUNTS.with(|m| {
        let mut all = m.borrow_mut();
        let (removed, kept) = std::mem::take(&mut *all).into_iter().partition(|e| pick(e));
        *all = kept;
        removed
    });
    for entry in removed {
        entry.mounted.unmount();
    }
}

/// Unmounts whatever is mounted in `host`.
pub(crate) fn unmount_host(host: &Element) {
    unmount_where(&|e| e.host == *host);
}
