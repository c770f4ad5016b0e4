"""Task ``pyloric``: which circuit parameters of the crab stomatogastric ganglion reproduce the
observed pyloric rhythm? Neural posterior estimation on the Prinz et al. (2004) network, as in
Goncalves et al. (2020) and Deistler et al. (2022).

Simulator modules: ``circuit`` (constants and names), ``equations`` (each formula of a step,
once), ``simulator`` (batched numba CPU path, the entry point), ``kernel`` (the integration of a
group of simulations in SIMD lanes), ``fast_exp`` (vectorised exp),
``noise`` (the reference's random stream), ``statistics`` (the 18 summary statistics), ``prior``
(box prior, parameter validation), ``observation`` (x_o), ``bank`` (simulations stored on disk),
``shipped_bank`` (the bank's first rows, committed with the code), ``torch_simulator`` (the same
equations in torch, for GPUs). Task modules: ``sizes`` (budgets),
``data`` (``load``, ``method_input``, ``test_targets``), ``methods`` (``methods.restricted``: rounds
from a restricted prior), ``metrics`` (``evaluate``, ``check_output``), ``figure``. Heavy imports
stay in those.
"""

from pathlib import Path

from benchmarks.task import Checklist, Direction, Method, MethodKind, Metric, Option, Output, Param, Shows, Task, Topline
from benchmarks.tasks.pyloric.sizes import BUDGETS, DESCRIPTIONS

_M = "benchmarks.tasks.pyloric."

#: NPE's parameters, shared by both NPE methods.
_NPE_PARAMS = (
    Param("hidden_features", int, 50, "hidden units of NPE's spline flow", minimum=1),
    Param("max_epochs", int, None, "NPE epoch cap (default: the size's budget)", minimum=1, budget=True),
)

TASK = Task(
    name="pyloric",
    dataset_id="stg_845_082_0044",  # x_o: the recording every size fits (a user's CSV: user:<hash>)
    summary="Which circuit parameters of the crab stomatogastric ganglion reproduce the observed pyloric rhythm?",
    citation=(
        "Goncalves et al. (2020), Training deep neural density estimators to identify mechanistic models "
        "of neural dynamics, eLife 9:e56261; Deistler, Macke & Goncalves (2022), Energy-efficient network "
        "activity from disparate circuit parameters, PNAS 119(44):e2207632119"
    ),
    # 5: default reads the 100,000-row shipped bank (was 2,000); the classifier sees a tenth of the invalid rows per
    # epoch and may exclude 10% of valid parameters (was 0%)
    version=5,
    metrics=(
        Metric("close_fraction", Direction.HIGHER, "fraction",
               "posterior-predictive simulations close to x_o by Deistler et al. (2022)'s criterion", ideal=1.0),
        Metric("valid_fraction", Direction.HIGHER, "fraction", "posterior-predictive simulations that are triphasic"),
        Metric("median_distance", Direction.LOWER, "sigma",
               "median distance to x_o of valid predictive simulations, 15 statistics in units of prior std"),
        Metric("calibration_error", Direction.LOWER, "coverage",
               "largest expected-coverage error of marginal credible intervals on held-out simulations", ideal=0.0),
        Metric("proposal_valid_fraction", Direction.HIGHER, "fraction",
               "valid share of the simulations of the method's last round (the prior bank for single-round "
               "methods; per round in the record's details)"),
    ),
    sizes=DESCRIPTIONS,
    budgets=BUDGETS,
    methods=(
        Method("prior", MethodKind.CONTROL, _M + "methods:prior", "the 31-D box prior"),
        Method("rejection_abc", MethodKind.BASELINE, _M + "methods:rejection_abc",
               "closest 10% of valid simulations to x_o, z-scored statistics"),
        Method("npe", MethodKind.MODEL, _M + "methods:npe",
               "sbi NPE, neural spline flow on valid simulations, z-scored statistics, logit-box parameters",
               params=_NPE_PARAMS),
        Method("npe_restricted", MethodKind.MODEL, _M + "methods.restricted:npe_restricted",
               "Deistler et al. (2022): later rounds from a classifier-restricted prior, NPE on the valid "
               "simulations of all rounds",
               threads=2,
               params=_NPE_PARAMS + (
                   Param("false_negatives", float, 0.1,
                         "share of valid parameters the restricted prior may exclude (sbi's "
                         "allowed_false_negatives; 0 keeps every one it has seen, which from ~150 valid validation "
                         "simulations keeps ~80% of the prior; larger is tighter and biased)",
                         minimum=0.0, maximum=0.9),
               )),
    ),
    load=_M + "data:load",
    method_input=_M + "data:method_input",
    test_targets=_M + "data:test_targets",
    output=Output("dict: 'samples' (n, 31) posterior samples given x_o, n >= the size's n_predictive (the first "
                  "n_predictive are simulated); 'heldout_samples' (k, m, 31), m samples given each of the k "
                  "held-out observations x_heldout, in order; all finite and inside the prior box; optional "
                  "'rounds' (per round of simulations: proposal, n_simulations, n_valid, valid_fraction) and "
                  "'n_train_valid'", _M + "metrics:check_output"),
    prepare=_M + "data:prepare",
    evaluate=_M + "metrics:evaluate",
    figure=_M + "figure:figure",
    options=(
        Option("observation", Path, None,
               "CSV with your x_o: one row under the 18 statistic names, or the mirror's xo_*.csv format"),
        Option("bank_seed", int, 0, "seed of full's prior simulation bank (a fixed data set; the cell seed splits it; "
               "smoke and default read the shipped bank, seed 0)", minimum=0),
    ),
    # No paired tests. Each method's posterior-predictive simulations come from its own parameter
    # draws: simulation i of two methods shares a noise seed but no parameters, so they do not pair.
    # The held-out observations are shared, but calibration is a property of the whole set (the rank
    # of one truth among its samples is neither good nor bad alone), so they give no item either.
    pairs=(),
    checklist=Checklist(
        question="Which of the 31 parameters of a model of the crab pyloric circuit (24 membrane conductances, 7 "
                 "synapses; Prinz et al. 2004) reproduce the rhythm recorded from one animal, and can neural "
                 "posterior estimation find them with far fewer simulations than the 9-18 million the papers used?",
        data="Simulations of the three-neuron model (AB/PD, LP, PY) from a 31-D box prior, each summarised by 18 "
             "statistics (cycle period, burst durations, duty cycles, phases, delays, gaps, plateaus); about 1% of "
             "prior draws give a valid rhythm. The observation x_o is the same 18 statistics of one extracellular "
             "recording (prep 845_082_0044); default: the 100,000 prior simulations shipped with the suite (about "
             "960 valid) and two restricted rounds of 300, full: the same bank and two rounds of 100,000.",
        success="close_fraction (higher is better): the share of simulations from the method's posterior whose "
                "statistics are close to x_o by Deistler et al. (2022)'s criterion (each statistic within a fixed "
                "fraction of its prior standard deviation, no plateaus, at least 8 bursts per neuron). The valid "
                "fraction, distance to x_o and calibration on held-out simulations are reported beside it.",
        baselines="Prior draws (control) and rejection ABC, which keeps the parameters of the 10% of valid "
                  "simulations closest to x_o, are what a learned posterior must beat; single-round NPE follows "
                  "Goncalves et al. (2020) and npe_restricted Deistler et al. (2022).",
        toplines=(
            Topline("Deistler, Macke & Goncalves 2022 (PNAS; STG_energy repository), NPE trained on the valid "
                    "simulations of rounds from a classifier-restricted prior, as npe_restricted: close fraction "
                    "0.0352 (35,939 of 1,020,000 posterior-predictive simulations), valid fraction 0.85",
                    "published", "stg_845_082_0044",
                    "9 M simulations over three rounds (438,608 valid)",
                    short="Deistler et al. (2022)'s close fraction of 0.0352"),
        ),
    ),
    # ~20 valid simulations: ABC's few accepted points are overconfident, NPE covers the held-out truths (its
    # predictive valid fraction against the prior's needs more of the bank: tests/pyloric)
    smoke_shows=(Shows("npe", "rejection_abc", "calibration_error", margin=0.2),),
    headline=("valid_fraction", "calibration_error", "median_distance"),
    # with no predictive simulation close to x_o, the honesty of the posterior on held-out simulations ranks
    fallback_metric="calibration_error",
    answer_note="The papers trained on 175k-440k valid simulations; the default's shipped bank holds 964, too few "
                "for a posterior whose predictive simulations come close to x_o",
)
