//! The components' stylesheet, installed once per document as a constructable stylesheet
//! (`document.adoptedStyleSheets`): the strict CSP (`style-src 'self'`) blocks `<style>` tags and `style`
//! attributes but not constructed sheets. Logical properties make `dir="rtl"` work; motion stops under
//! `prefers-reduced-motion`; `[data-cw-theme]` on each component root picks the theme.

use crate::adapters::{page, reflect};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document};

/// The first rule of our sheet, which tells it apart from the page's sheets.
const MARKER: &str = ".cw-sheet-v1";

/// The stylesheet. Colors derive from four variables (`appearance.variables` override them on the root).
const CSS: &str = r#"
.cw-sheet-v1 {}
.cw-root {
  --cw-color-primary: #4f46e5;
  --cw-color-background: #ffffff;
  --cw-color-text: #1f2328;
  --cw-color-danger: #cf222e;
  --cw-radius: 0.75rem;
  --cw-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --cw-muted: color-mix(in srgb, var(--cw-color-text) 64%, var(--cw-color-background));
  --cw-border: color-mix(in srgb, var(--cw-color-text) 15%, var(--cw-color-background));
  --cw-hover: color-mix(in srgb, var(--cw-color-text) 7%, var(--cw-color-background));
  font-family: var(--cw-font);
  font-size: 0.875rem;
  line-height: 1.4;
  color: var(--cw-color-text);
}
.cw-root[data-cw-theme="dark"] {
  --cw-color-primary: #7c74ff;
  --cw-color-background: #1e1f24;
  --cw-color-text: #ececf1;
  --cw-color-danger: #ff7b72;
}
@media (prefers-color-scheme: dark) {
  .cw-root[data-cw-theme="auto"] {
    --cw-color-primary: #7c74ff;
    --cw-color-background: #1e1f24;
    --cw-color-text: #ececf1;
    --cw-color-danger: #ff7b72;
  }
}
.cw-root, .cw-root * { box-sizing: border-box; }
.cw-user-button { display: inline-block; vertical-align: middle; }
.cw-root :focus-visible { outline: 2px solid var(--cw-color-primary); outline-offset: 2px; }
.cw-root button { font: inherit; color: inherit; cursor: pointer; -webkit-tap-highlight-color: transparent; }
.cw-ellipsis { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-inline-size: 0; }
.cw-trigger { display: inline-flex; align-items: center; gap: 0.5rem; min-block-size: 44px; min-inline-size: 44px;
  max-inline-size: 18rem; padding: 0.375rem; border: 0; border-radius: 999px; background: transparent; }
.cw-trigger:hover, .cw-trigger[aria-expanded="true"] { background: var(--cw-hover); }
.cw-trigger-name { font-weight: 600; padding-inline-end: 0.375rem; }
.cw-avatar { display: inline-flex; align-items: center; justify-content: center; flex: none; overflow: hidden;
  inline-size: 2rem; block-size: 2rem; border-radius: 50%; font-weight: 600; font-size: 0.8125rem;
  letter-spacing: 0.02em; background: color-mix(in srgb, var(--cw-color-primary) 16%, var(--cw-color-background));
  color: color-mix(in srgb, var(--cw-color-primary) 75%, var(--cw-color-text)); user-select: none; }
.cw-avatar-lg { inline-size: 2.75rem; block-size: 2.75rem; font-size: 1rem; }
.cw-avatar img { inline-size: 100%; block-size: 100%; object-fit: cover; display: block; }
/* Placed by script with physical top/left (it knows the direction); see position.rs. */
.cw-panel { position: fixed; top: 0; left: 0; z-index: 2147483000;
  inline-size: min(22rem, calc(100vw - 16px)); max-block-size: calc(100vh - 16px); overflow: auto;
  padding-block: 0.5rem; background: var(--cw-color-background); color: var(--cw-color-text);
  border: 1px solid var(--cw-border); border-radius: var(--cw-radius);
  box-shadow: 0 16px 40px rgb(0 0 0 / 0.16), 0 2px 8px rgb(0 0 0 / 0.08); animation: cw-pop 0.14s ease-out; }
.cw-account { display: flex; align-items: center; gap: 0.75rem; padding: 0.75rem 1rem; min-inline-size: 0; }
.cw-account-text { display: flex; flex-direction: column; min-inline-size: 0; text-align: start; }
.cw-name { font-weight: 600; }
.cw-email { color: var(--cw-muted); font-size: 0.8125rem; }
.cw-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0 1rem 0.75rem; padding-inline-start: 4.5rem; }
.cw-pill { min-block-size: 44px; padding: 0 0.875rem; border: 1px solid var(--cw-border); border-radius: 999px;
  background: transparent; font-weight: 500; }
.cw-pill:hover { background: var(--cw-hover); }
.cw-group { display: flex; flex-direction: column; border-block-start: 1px solid var(--cw-border); }
.cw-item { display: flex; align-items: center; gap: 0.75rem; inline-size: 100%; min-block-size: 44px;
  padding: 0.5rem 1rem; border: 0; background: transparent; text-align: start; min-inline-size: 0; }
.cw-item:hover { background: var(--cw-hover); }
.cw-item-plain { border-block-start: 1px solid var(--cw-border); }
.cw-icon { display: inline-flex; align-items: center; justify-content: center; flex: none; inline-size: 2rem;
  block-size: 2rem; border-radius: 50%; border: 1px dashed var(--cw-border); color: var(--cw-muted); font-size: 1.125rem; }
.cw-card { inline-size: min(25rem, 100%); margin-inline: auto; display: flex; flex-direction: column; gap: 1rem;
  padding: 2rem 2rem 1.5rem; background: var(--cw-color-background); color: var(--cw-color-text);
  border: 1px solid var(--cw-border); border-radius: calc(var(--cw-radius) * 1.34);
  box-shadow: 0 16px 40px rgb(0 0 0 / 0.12), 0 2px 8px rgb(0 0 0 / 0.06); position: relative; }
.cw-title { margin: 0; font-size: 1.25rem; font-weight: 700; text-align: center; }
.cw-subtitle { margin: 0; color: var(--cw-muted); text-align: center; overflow-wrap: anywhere; }
.cw-form { display: flex; flex-direction: column; gap: 0.875rem; }
.cw-row { display: flex; flex-wrap: wrap; gap: 0.875rem; }
.cw-row > .cw-field { flex: 1 1 9rem; }
.cw-field { display: flex; flex-direction: column; gap: 0.375rem; min-inline-size: 0; }
.cw-label { font-weight: 500; font-size: 0.8125rem; }
.cw-input { min-block-size: 44px; inline-size: 100%; padding: 0.5rem 0.75rem; font: inherit; color: inherit;
  background: var(--cw-color-background); border: 1px solid var(--cw-border); border-radius: calc(var(--cw-radius) * 0.67); }
.cw-input:focus-visible { outline-offset: 0; border-color: var(--cw-color-primary); }
.cw-input[aria-invalid="true"] { border-color: var(--cw-color-danger); }
.cw-primary { min-block-size: 44px; padding: 0 1rem; border: 0; border-radius: calc(var(--cw-radius) * 0.67);
  background: var(--cw-color-primary); color: #fff; font-weight: 600; }
.cw-root .cw-primary { color: #fff; }
.cw-primary:hover { filter: brightness(1.08); }
.cw-form[aria-busy="true"] .cw-primary { opacity: 0.7; cursor: progress; }
.cw-secondary { min-block-size: 44px; padding: 0 1rem; border: 1px solid var(--cw-border); background: transparent;
  border-radius: calc(var(--cw-radius) * 0.67); font-weight: 500; }
.cw-secondary:hover { background: var(--cw-hover); }
.cw-link { min-block-size: 44px; padding: 0 0.25rem; border: 0; background: none; font-weight: 600; }
.cw-root .cw-link { color: var(--cw-color-primary); }
.cw-footer { display: flex; flex-wrap: wrap; align-items: center; justify-content: center; gap: 0.25rem; margin: 0;
  color: var(--cw-muted); }
.cw-alert { margin: 0; padding: 0.625rem 0.75rem; border-radius: calc(var(--cw-radius) * 0.67); font-size: 0.8125rem;
  color: var(--cw-color-danger); background: color-mix(in srgb, var(--cw-color-danger) 8%, var(--cw-color-background));
  border: 1px solid color-mix(in srgb, var(--cw-color-danger) 35%, var(--cw-color-background)); overflow-wrap: anywhere; }
.cw-choices { display: flex; flex-direction: column; border: 1px solid var(--cw-border);
  border-radius: calc(var(--cw-radius) * 0.67); overflow: hidden; }
.cw-choices > .cw-item + .cw-item { border-block-start: 1px solid var(--cw-border); }
.cw-close { position: absolute; inset-block-start: 0.5rem; inset-inline-end: 0.5rem; inline-size: 44px;
  block-size: 44px; border: 0; border-radius: 50%; background: transparent; color: var(--cw-muted); font-size: 1.25rem; }
.cw-close:hover { background: var(--cw-hover); }
.cw-overlay { position: fixed; inset: 0; z-index: 2147483000; display: flex; align-items: flex-start;
  justify-content: center; overflow: auto; padding: 8vh 1rem 1rem; background: rgb(15 16 20 / 0.5);
  animation: cw-fade 0.14s ease-out; }
@keyframes cw-pop { from { opacity: 0; transform: translateY(-4px) scale(0.98); } }
@keyframes cw-fade { from { opacity: 0; } }
@media (prefers-reduced-motion: reduce) {
  .cw-root, .cw-root * { animation: none !important; transition: none !important; }
}
"#;

/// Whether `sheet` is ours (its first rule is the marker).
fn is_ours(sheet: &JsValue) -> bool {
    let first = reflect::get(sheet, "cssRules").and_then(|rules| reflect::get(&rules, "0"));
    first
        .and_then(|rule| reflect::string(&rule, "selectorText"))
        .as_deref()
        == Some(MARKER)
}

/// A constructed sheet with our rules, made by `doc`'s own `CSSStyleSheet` (a sheet may only be adopted by the
/// document whose window constructed it). `None` without a window or a constructor, or when construction throws.
fn construct(doc: &Document) -> Option<CssStyleSheet> {
    let window: JsValue = reflect::object(doc, "defaultView")?;
    let constructor = reflect::get(&window, "CSSStyleSheet").filter(JsValue::is_function)?;
    // `unchecked`: an iframe's functions fail the `instanceof Function` check of ours.
    let constructor: Function = constructor.unchecked_into();
    let sheet: CssStyleSheet = Reflect::construct(&constructor, &Array::new())
        .ok()?
        .unchecked_into();
    sheet.replace_sync(CSS).ok()?;
    Some(sheet)
}

/// Makes sure `doc` has adopted our stylesheet (once: later calls find it and do nothing).
pub(crate) fn install(doc: &Document) {
    let key = JsValue::from_str("adoptedStyleSheets");
    let Ok(adopted) = Reflect::get(doc, &key) else {
        return;
    };
    let list = Array::from(&adopted);
    if list.iter().any(|sheet| is_ours(&sheet)) {
        return;
    }
    let installed = construct(doc).is_some_and(|sheet| {
        list.push(&sheet);
        Reflect::set(doc, &key, &list).is_ok()
    });
    if !installed {
        page::warn(
            "could not install the components' stylesheet (constructable stylesheets unsupported?)",
        );
    }
}
