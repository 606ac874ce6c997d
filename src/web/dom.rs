//! Small wrappers over the browser: the URL fragment, the clipboard, the canvas context.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The URL fragment without its `#`, or an empty string.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// The page's URL without its fragment.
pub fn base_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Replaces the URL's fragment without adding a history entry or firing `hashchange`.
pub fn set_fragment(fragment: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let url = format!("{}#{fragment}", base_url());
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Copies `text` to the clipboard if the browser lets the page (best effort).
pub fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// A fresh random seed from the browser's entropy, below 2^53 so JavaScript keeps it exact.
pub fn random_seed() -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
    }
    u64::from_le_bytes(b) >> 11
}

/// The device pixel ratio, clamped to 1..=3 (canvases are sized in device pixels).
pub fn pixel_ratio() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0)
}

/// The 2D context of `canvas`, if it has one.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Calls `f` whenever the URL fragment changes (a pasted link); the listener lives as long as
/// the returned guard.
pub struct HashListener {
    closure: Closure<dyn FnMut()>,
}

impl HashListener {
    /// Starts listening.
    pub fn new(f: impl FnMut() + 'static) -> Option<Self> {
        let closure = Closure::<dyn FnMut()>::new(f);
        let w = web_sys::window()?;
        w.add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref()).ok()?;
        Some(HashListener { closure })
    }
}

impl Drop for HashListener {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w.remove_event_listener_with_callback("hashchange", self.closure.as_ref().unchecked_ref());
        }
    }
}

/// The page's clock in milliseconds (`performance.now()`), 0 if there is none.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The page's keyboard shortcuts, as long as it lives: Space plays or pauses, R resets, End runs
/// the rest (in slices), the arrows step forward and back, Home seeks to time zero. Keys typed into a field, or pressed with Ctrl, Alt or Meta, are left alone.
pub struct KeyListener {
    closure: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
}

impl KeyListener {
    /// Starts listening; `f` gets each shortcut's key (`" "`, `"r"`, `"End"`) and says whether it
    /// used it (then the browser's own action, such as scrolling on Space, is prevented).
    pub fn new(mut f: impl FnMut(&str) -> bool + 'static) -> Option<Self> {
        let closure = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if e.ctrl_key() || e.alt_key() || e.meta_key() || (e.key() != "Escape" && typing_in_a_field(&e)) {
                return;
            }
            if f(&e.key()) {
                e.prevent_default();
            }
        });
        let w = web_sys::window()?;
        w.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref()).ok()?;
        Some(KeyListener { closure })
    }
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w.remove_event_listener_with_callback("keydown", self.closure.as_ref().unchecked_ref());
        }
    }
}

/// Whether the key went to a text field, a picker or a button, whose own keys win.
fn typing_in_a_field(e: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(target.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "SUMMARY")
}

/// Whether the user asked the system for reduced motion (`prefers-reduced-motion: reduce`).
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Calls `f(x, y, delta_y)` for each wheel turn over the group canvas (`#stage`; CSS pixels from
/// its corner) and keeps the page from scrolling then; the listener lives as long as the guard.
/// Not passive, unlike Yew's own wheel listeners, so that it can prevent the scroll.
pub struct WheelListener {
    closure: Closure<dyn FnMut(web_sys::WheelEvent)>,
}

impl WheelListener {
    /// Starts listening.
    pub fn new(mut f: impl FnMut(f64, f64, f64) + 'static) -> Option<Self> {
        let closure = Closure::<dyn FnMut(web_sys::WheelEvent)>::new(move |e: web_sys::WheelEvent| {
            let on_stage =
                e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|t| t.id() == "stage");
            if on_stage {
                e.prevent_default();
                let unit = if e.delta_mode() == 0 { 1.0 } else { 40.0 };
                f(f64::from(e.offset_x()), f64::from(e.offset_y()), e.delta_y() * unit);
            }
        });
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(false);
        let w = web_sys::window()?;
        w.add_event_listener_with_callback_and_add_event_listener_options(
            "wheel",
            closure.as_ref().unchecked_ref(),
            &options,
        )
        .ok()?;
        Some(WheelListener { closure })
    }
}

impl Drop for WheelListener {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w.remove_event_listener_with_callback("wheel", self.closure.as_ref().unchecked_ref());
        }
    }
}

/// Moves the keyboard focus to the element with this id, if there is one.
/// The element that has the keyboard focus, if it is an HTML element other than `<body>`.
pub fn focused() -> Option<web_sys::HtmlElement> {
    let doc = web_sys::window().and_then(|w| w.document())?;
    let el = doc.active_element()?.dyn_into::<web_sys::HtmlElement>().ok()?;
    (el.tag_name() != "BODY").then_some(el)
}

/// Gives `el` the keyboard focus back.
pub fn refocus(el: &web_sys::HtmlElement) {
    let _ = el.focus();
}

/// Gives the element with this id the keyboard focus, if it exists.
pub fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
