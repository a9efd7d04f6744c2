//! The page: controls on the left, the status line, loss chart and views on
//! the right. Sized to fit a 1280×720 projector without scrolling the
//! controls, readable from the back of a room.

use crate::components::controls::{Buttons, Controls, LessonNote, Lessons};
use crate::components::loss_chart::LossChart;
use crate::components::notice::NoticeBox;
use crate::components::status::Status;
use crate::lab::Lab;
use crate::views::Views;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let lab = Lab::provide();
    // A link pasted into the address bar of an open page.
    let _ = window_event_listener(leptos::ev::hashchange, move |_| lab.load_from_url());
    let task_title = move || lab.task_info.with(|i| i.as_ref().map(|i| i.title.clone()));
    let task_text = move || lab.task_info.with(|i| i.as_ref().map(|i| i.description.clone()));
    view! {
        <div class="app">
            <aside class="panel">
                <header>
                    <h1>"rnn-lab"</h1>
                    <p class="tagline">"Train a recurrent net. Watch its gradients."</p>
                </header>
                <Buttons/>
                <Lessons/>
                <Controls/>
            </aside>
            <main class="stage">
                <NoticeBox/>
                <Status/>
                <LessonNote/>
                <section class="task">
                    <h2>{task_title}</h2>
                    <p>{task_text}</p>
                </section>
                <LossChart/>
                <section class="views">
                    <Views/>
                </section>
            </main>
        </div>
    }
}
