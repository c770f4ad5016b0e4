"""Neural posterior estimation of the pyloric circuit's 31 parameters with a masked autoregressive flow (MAF;
Papamakarios, Pavlakou & Murray 2017), a method of the pyloric task from outside the suite.

The suite's ``npe`` trains a neural spline flow on parameters it maps to R^31 with its own logit of the prior
box. This one trains sbi's MAF, whose transforms are affine in one parameter given the ones before it (cheap,
but each can only shift and scale), on the valid training simulations (``data.theta_train``, ``data.x_train``:
an invalid rhythm has undefined statistics, and x_o is valid), with the parameters mapped to R^31 by sbi's own
bijection of the prior box (``sbi.utils.mcmc_transform``), so that no draw leaves the prior. The held-out
observations are sampled in one batched call (``sample_batched``). Training as sbi's defaults: z-scored theta and
x, batches of 200, stopped after 20 epochs without a better validation loss or at the size's ``max_epochs``.

Run it at smoke size beside the suite's methods:

    python -m benchmarks run --task pyloric --size smoke --method prior --method rejection_abc --method npe \
        --method examples/pyloric_npe_maf.py:npe_maf --results /tmp/pyloric_npe_maf
    python -m benchmarks leaderboard --results /tmp/pyloric_npe_maf

and a larger flow with ``--method 'examples/pyloric_npe_maf.py:npe_maf[hidden_features=100,num_transforms=10]'``.
"""

import contextlib
import io

import numpy as np


def npe_maf(data, ctx, *, hidden_features=50, num_transforms=5):
    """Posterior draws given x_o (``ctx.budget.n_posterior_samples``) and given each held-out observation
    (``n_heldout_samples``) from a MAF of ``num_transforms`` transforms with ``hidden_features`` units:
    ``{"samples": (n, 31), "heldout_samples": (k, m, 31), "rounds": [the prior bank], "epochs": epochs trained}``."""
    import torch
    from sbi.inference import NPE
    from sbi.neural_nets import posterior_nn
    from sbi.utils import mcmc_transform

    from benchmarks.tasks._sbi.tracker import NullTracker
    from benchmarks.tasks.pyloric.prior import LOWER, UPPER, box_uniform

    def tensor(array):
        return torch.as_tensor(np.asarray(array), dtype=torch.float32, device=ctx.device)

    def parameters(z):  # back to the box; float32 rounding may step just past a bound
        theta = to_unbounded.inv(z).detach().cpu().numpy().astype(np.float64)
        return np.clip(theta, LOWER, UPPER)

    # one thread: a flow of 50 units gains nothing from more, and loses much on a shared CPU
    with ctx.torch_seeded("npe_maf", threads=1):
        to_unbounded = mcmc_transform(box_uniform(ctx.device), device=ctx.device)  # box -> R^31
        with ctx.phase("train"):
            # prior=None: a flat prior on R^31, so sampling never rejects; sbi's default tracker would write ./sbi-logs
            inference = NPE(prior=None, device=str(ctx.device), show_progress_bars=False, tracker=NullTracker(),
                            density_estimator=posterior_nn("maf", hidden_features=hidden_features,
                                                           num_transforms=num_transforms))
            inference.append_simulations(to_unbounded(tensor(data.theta_train)), tensor(data.x_train))
            with contextlib.redirect_stdout(io.StringIO()):  # sbi prints "converged after n epochs" whatever it is told
                estimator = inference.train(max_num_epochs=ctx.budget.max_epochs, show_train_summary=False)
            posterior = inference.build_posterior(estimator)
        with ctx.phase("sample"):
            samples = posterior.sample((ctx.budget.n_posterior_samples,), x=tensor(data.x_o), show_progress_bars=False)
            heldout = posterior.sample_batched((ctx.budget.n_heldout_samples,), x=tensor(data.x_heldout),
                                               show_progress_bars=False)  # (m, k, 31)
    n_valid = len(data.theta_train) + len(data.x_heldout)
    bank = {"proposal": "prior", "n_simulations": data.n_simulations, "n_valid": n_valid,
            "valid_fraction": n_valid / data.n_simulations}
    return {"samples": parameters(samples), "heldout_samples": parameters(heldout).transpose(1, 0, 2),
            "rounds": [bank], "epochs": int(inference.summary["epochs_trained"][-1])}
