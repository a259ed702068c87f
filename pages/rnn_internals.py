"""Inside a recurrent network: a simple RNN in NumPy, BPTT, vanishing/exploding gradients, clipping, LSTM gates."""
import streamlit as st

from components import rnn_lessons
from components.chart_export import chart
from components.charts import recurrent as charts
from components.feedback import explain_input_errors
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.table_export import table
from components.url_state import BIND
from models.rnn import long_memory, simple_rnn

ensure_app_navigation()
cached = st.cache_data(show_spinner=False, max_entries=64)

st.title("Inside a recurrent network")
st.write("A simple recurrent network (RNN) reads a sequence one step at a time. At each step t it mixes the new "
         "input x(t) with its own previous state h(t-1), and the **same parameters θ = {U, W, b, V, c} are used at "
         "every step**:")
st.latex(r"a^{(t)} = b + W h^{(t-1)} + U x^{(t)}, \qquad h^{(t)} = \tanh(a^{(t)})")
st.latex(r"o^{(t)} = c + V h^{(t)}, \qquad \hat y^{(t)} = \mathrm{softmax}(o^{(t)})")
st.caption("Everything below is computed live in NumPy (`models/rnn/simple_rnn.py`) from these four equations; "
           "the tests check the gradients against finite differences and against TensorFlow's autodiff.")

st.subheader("Controls")
link = LinkNote()
left, middle, right = st.columns(3)
length = left.slider("Sequence length T", 2, 100, 40, key="T", bind=BIND, help="Steps in the sequences of lessons 2-4.")
hidden = middle.slider("Hidden size (units in h)", 2, 32, 16, key="hidden", bind=BIND)
radius = right.slider("Spectral radius of W", 0.1, 3.0, 3.0, step=0.05, key="radius", bind=BIND,
                      help="The largest |eigenvalue| of the recurrent matrix W: how much W stretches h(t-1).")
left, right = st.columns(2)
truncation = left.slider("Truncation k (steps of BPTT)", 1, 100, 100, key="k", bind=BIND,
                         help="Truncated BPTT(k): the error made at step t flows back through at most k steps. "
                              "k ≥ T is full BPTT.")
clip = right.slider("Clip threshold (gradient norm)", 0.05, 5.0, 0.3, step=0.05, key="clip", bind=BIND,
                    help="Clipping rescales a gradient longer than this back to this length (lesson 3).")
k = None if truncation >= length else truncation

# ----------------------------------------------------------------------------- lesson 1
st.header("1. The unrolled network on a short input")
st.write("Unrolling the loop gives one copy of the network per step, all sharing θ. Here the network reads a word "
         "letter by letter and, at each step, guesses the next letter; J(t) = −log ŷ(t)[next letter].")
word = st.text_input("A short word", value="hello", max_chars=12, key="word", bind=BIND)
link.check(rnn_lessons.LABELS)
unrolled = None
with explain_input_errors(stop=False):
    unrolled = cached(simple_rnn.unroll_word)(word, hidden, radius, k)
if unrolled is not None:
    st.graphviz_chart(charts.unrolled_diagram(unrolled), width="stretch")
    cols = st.columns(3)
    cols[0].metric("Loss J = Σ J(t)", f"{unrolled.result.loss:.3f}")
    cols[1].metric("‖∂J/∂W‖", f"{unrolled.w_gradient_norm():.4f}")
    cols[2].metric("Gradient check: largest gap", f"{unrolled.gap:.1e}",
                   help="Full BPTT against central finite differences on 10 random weights of each of U, W, b, V, "
                        "c: the gradients are right when this is tiny.")
    st.write("**Backpropagation through time.** Each step contributes its own share (∂J/∂θ)^(t), computed from the "
             "errors of that step and of the later steps that its h(t) fed; the shares are summed, "
             "∂J/∂θ = Σ_t (∂J/∂θ)^(t), and θ is updated once." +
             (f" With truncation k = {k}, each step's error stops after {k} step(s) back." if k else ""))
    table(unrolled.steps().round(4), f"The unrolled network reading '{word}', step by step", "steps")
    chart(charts.hidden_states(unrolled), f"Hidden states while reading '{word}'", "hidden_states")

# ----------------------------------------------------------------------------- lesson 2
st.header("2. The error flowing back through time")
st.write(f"The loss is put at the last step T = {length} only; ∂J/∂h(t) is the error signal that reaches step t. "
         "Going one step back multiplies it by Wᵀ·diag(1 − h(t)²), so over many steps it shrinks or grows roughly "
         "like ρ(W)^(T−t): **below 1 it vanishes, above 1 it can explode**. tanh′ ≤ 1 pulls it down, and a state "
         "pushed into saturation (|h| near 1) has tanh′ near 0, so explosion needs ρ well above 1, the more so with "
         "few units.")
flow = cached(simple_rnn.error_through_time)(length, hidden, radius)
ratio = simple_rnn.error_ratio(flow)
cols = st.columns(2)
cols[0].metric("‖∂J/∂h(1)‖ / ‖∂J/∂h(T)‖", f"{ratio:.3g}")
cols[1].metric("The error signal is", simple_rnn.error_verdict(ratio))
chart(charts.error_through_time(flow, radius, length, k),
      f"The error signal flowing back through T = {length} steps, spectral radius {radius:g}", "error_flow")

# ----------------------------------------------------------------------------- lesson 3
st.header("3. Gradient clipping tames an exploding run")
st.write("The same RNN, started with W at the chosen spectral radius, learns the task of lesson 4 (say which symbol "
         f"came first, after T = {length} steps) by gradient descent with learning rate 1, 100 updates, full BPTT. "
         f"With clipping, any gradient longer than {clip} is rescaled to length {clip} before the update: same "
         "direction, bounded step.")
runs = cached(long_memory.clipping_comparison)(length, hidden, radius, clip)
outcome = long_memory.clipping_outcome(runs)
cols = st.columns(3)
cols[0].metric("Worst loss without clipping", f"{outcome.worst_without:.3g}")
cols[1].metric("Worst loss with clipping", f"{outcome.worst_with:.3g}")
cols[2].metric("Updates clipped", f"{outcome.clipped} of {outcome.updates_with}")
if outcome.blew_up_at is not None:
    st.warning(f"Without clipping the run blew up (the loss stopped being a number) at update {outcome.blew_up_at}.")
left, right = st.columns(2)
with left:
    chart(charts.clipping_losses(runs), f"Training loss with and without clipping, T = {length}", "clipping_losses")
with right:
    chart(charts.clipping_gradient_norms(runs, clip), f"Gradient norms with and without clipping at {clip:g}",
          "clipping_norms")
st.caption(rnn_lessons.what_clipping_did(outcome, clip))

# ----------------------------------------------------------------------------- lesson 4
st.header("4. A long dependency: simple RNN against LSTM")
st.write("The task: read T symbols and say which came first (4 possible answers, so chance is 25%). Both networks "
         f"have {hidden} hidden units and are trained the same way (Adam, learning rate 0.02, minibatches of 64, at "
         "most 200 updates, stopping early once solved), both in NumPy. The LSTM starts with its forget gate almost "
         "open and its input gate mostly shut, so its cell begins by keeping what it holds.")
lengths = long_memory.race_lengths(length)
with st.spinner(f"Training both networks at T = {', '.join(map(str, lengths))}, side by side ..."):
    results = cached(long_memory.race)(tuple(lengths), hidden)
at_length = long_memory.race_at_length(results, length)
for col, kind in zip(st.columns(2), long_memory.KINDS):
    col.metric(f"{kind} accuracy at T = {length}", f"{at_length.loc[kind, 'accuracy']:.0%}",
               help=f"{int(at_length.loc[kind, 'updates'])} updates, {at_length.loc[kind, 'seconds']:.1f} s")
chart(charts.race_accuracy(results), f"Simple RNN against LSTM: accuracy by sequence length, {hidden} units",
      "race")
st.caption("Each point is one training run from one random start. The simple RNN's runs are a gamble that gets "
           "worse with T (with many units it sometimes catches a long gap, and misses a shorter one); the LSTM's "
           "cell carries the first symbol along.")
with st.expander("Runs"):
    table(results.round(3), f"Training runs of the simple RNN and the LSTM, {hidden} units", "runs")

# ----------------------------------------------------------------------------- lesson 5
st.header("5. An LSTM's gates over a real review")
st.write(rnn_lessons.LSTM_GATES)
rnn_lessons.lstm_gates_lesson()
link.check({"units": "Unit by unit"})
