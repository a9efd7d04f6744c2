//! The page: controls on the left, the lesson panel, status line, loss
//! chart and views on the right. Sized to fit a 1280×720 projector without
//! scrolling the controls, readable from the back of a room. In
//! presentation mode (`present=1`) and on a phone the settings fold away
//! into a drawer, one click out (`style/lessons.css`).

use crate::components::compare::ComparePanel;
use crate::components::controls::{Buttons, Controls, LangSwitch, LessonNote, Lessons};
use crate::components::files::FilesBar;
use crate::components::lesson::{LessonPanel, SettingsToggle};
use crate::components::loss_chart::LossChart;
use crate::components::notice::NoticeBox;
use crate::components::status::Status;
use crate::components::user_text::UserText;
use crate::i18n::*;
use crate::lab::Lab;
use crate::text;
use crate::views::Views;
use leptos::prelude::*;

/// The translations' context around the page. No cookie: the language is
/// the `lang` setting, in the link like every other.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider enable_cookie=false>
            <Page/>
        </I18nContextProvider>
    }
}

#[component]
fn Page() -> impl IntoView {
    let lab = Lab::provide();
    // The gradient history's rows, for its view and the CSV export.
    crate::views::grad_history::GradRows::provide();
    let i18n = use_i18n();
    // The settings' language is the page's: set before the first text is
    // rendered, then followed (the provider's own pick from the browser
    // runs first and is overridden here).
    i18n.set_locale(lab.settings.with_untracked(|s| s.lang));
    Effect::new(move |_| {
        let lang = lab.settings.with(|s| s.lang);
        if i18n.get_locale_untracked() != lang {
            i18n.set_locale(lang);
        }
    });
    Effect::new(move |_| {
        let title = t_string!(i18n, app.title);
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            d.set_title(title);
        }
    });
    // A link pasted into the address bar of an open page.
    let _ = window_event_listener(leptos::ev::hashchange, move |_| lab.load_from_url());
    let task_title = move || {
        let l = i18n.get_locale();
        lab.task_info.with(|i| i.as_ref().map(|i| text::task(l, i.kind)))
    };
    let task_text = move || {
        let l = i18n.get_locale();
        lab.task_info.with(|i| i.as_ref().map(|i| text::task_text(l, i)))
    };
    // The settings drawer, open or folded (where it folds at all).
    let drawer = RwSignal::new(false);
    let present = move || lab.settings.with(|s| s.lesson.present);
    let lesson_on = move || lab.settings.with(|s| s.lesson.page.is_some());
    view! {
        <div class="app" class:present=present class:drawer-open=move || drawer.get() class:lesson-on=lesson_on>
            <aside class="panel">
                <header>
                    <div class="title-row">
                        <h1>"rnn-lab"</h1>
                        <LangSwitch/>
                    </div>
                    <p class="tagline">{t!(i18n, app.tagline)}</p>
                </header>
                <div class="panel-bar">
                    <Buttons/>
                    <SettingsToggle open=drawer/>
                </div>
                <div class="settings-drawer" data-testid="controls">
                    <Lessons/>
                    <Controls/>
                </div>
            </aside>
            <main class="stage">
                <LessonPanel/>
                <NoticeBox/>
                <Status/>
                <ComparePanel/>
                <LessonNote/>
                <section class="task">
                    <h2>{task_title}</h2>
                    <p>{task_text}</p>
                    <UserText/>
                </section>
                <LossChart/>
                <FilesBar/>
                <section class="views">
                    <Views/>
                </section>
            </main>
        </div>
    }
}
