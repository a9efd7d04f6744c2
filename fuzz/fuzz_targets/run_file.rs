//! Loading a run file of any bytes, as the page does (its JSON reader, the
//! page's checks, then `Experiment::load`): it never panics, it loads or
//! refuses with a reason, and a run it loads can take a step.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_lab::state::files::read_run;
use rnn_lab::state::settings::Settings;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut loaded) = read_run(data, &Settings::default()) {
        // A step may blow up (a file may hold huge weights), but as a report.
        let _ = loaded.experiment.step(false);
    }
});
