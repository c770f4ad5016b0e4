"""Neural posterior estimation with a masked autoregressive flow (MAF; Papamakarios, Pavlakou & Murray 2017), as a
method of the SBI reference tasks (two_moons, gaussian_linear, slcp) from outside the suite.

The suite's ``npe`` trains a neural spline flow, as the benchmark's NPE does; this one trains sbi's MAF, the flow
of the first NPE papers: each transform is affine in one parameter given the ones before it, so a layer is cheap
but can only shift and scale. It fits gaussian_linear's Gaussian posterior exactly in principle, and must stack
transforms to bend two_moons' crescents and slcp's four modes. Everything else is as the suite's NPE: the cell's
simulations, z-scored theta and x, sbi's training loop (batches of 200, stopped once the validation loss has not
improved for 20 epochs, at most the size's ``max_epochs``), one round, amortised over the observations; draws
outside the prior are rejected by sbi.

Run it at smoke size beside the suite's NPE and rejection ABC:

    python -m benchmarks run --task two_moons --size smoke --method npe --method rejection_abc \
        --method examples/sbi_npe_maf.py:npe_maf --results /tmp/sbi_npe_maf
    python -m benchmarks leaderboard --results /tmp/sbi_npe_maf

(``--task gaussian_linear`` or ``--task slcp`` alike), and a larger flow with
``--method 'examples/sbi_npe_maf.py:npe_maf[hidden_features=100,num_transforms=10]'``.
"""

import contextlib
import io

import numpy as np

#: sbi's default batch, as the suite's NPE
TRAINING_BATCH_SIZE = 200


def npe_maf(data, ctx, *, hidden_features=50, num_transforms=5):
    """``ctx.budget.num_samples`` posterior draws for each of ``data.observations`` (k, dim_x), from a MAF of
    ``num_transforms`` transforms with ``hidden_features`` units trained on ``data.theta`` and ``data.x``:
    ``{"samples": (k, num_samples, dim_theta) float64, "epochs": epochs trained}``."""
    import torch
    from sbi.inference import NPE
    from sbi.neural_nets import posterior_nn

    from benchmarks.tasks._sbi.tracker import NullTracker

    def tensor(array):
        return torch.as_tensor(np.asarray(array), dtype=torch.float32, device=ctx.device)

    # one thread: a network of 50 units gains nothing from more, and loses much on a shared CPU
    with ctx.torch_seeded("npe_maf", threads=1):
        with ctx.phase("train"):
            # sbi's default tracker would write TensorBoard logs into ./sbi-logs
            inference = NPE(prior=data.problem.torch_prior(ctx.device), device=str(ctx.device),
                            density_estimator=posterior_nn("maf", hidden_features=hidden_features,
                                                           num_transforms=num_transforms),
                            show_progress_bars=False, tracker=NullTracker())
            inference.append_simulations(tensor(data.theta), tensor(data.x))
            with contextlib.redirect_stdout(io.StringIO()):  # sbi prints "converged after n epochs" whatever it is told
                estimator = inference.train(max_num_epochs=ctx.budget.max_epochs,
                                            training_batch_size=TRAINING_BATCH_SIZE, show_train_summary=False)
            posterior = inference.build_posterior(estimator)
        with ctx.phase("sample"):
            samples = [posterior.sample((ctx.budget.num_samples,), x=tensor(x_o), show_progress_bars=False)
                       for x_o in data.observations]
    return {"samples": torch.stack(samples).cpu().numpy().astype(np.float64),
            "epochs": int(inference.summary["epochs_trained"][-1])}
