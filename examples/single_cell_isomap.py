"""Isomap (Tenenbaum, de Silva & Langford 2000) as a method of the single_cell task, from outside the suite.

Isomap keeps geodesic distances: it links each cell to its ``n_neighbors`` nearest cells in the 50-D PCA space,
measures distances along that graph, and places the cells in 2-D by classical MDS of those distances. Where
t-SNE and UMAP keep only neighbourhoods, Isomap tries to keep the global layout, so it is a useful contrast on
the task's CPD and Q_global against KNN (on the smoke data it keeps no more of each cell's 10 neighbours than
PC1-2 do: KNN 0.020 against 0.024, CPD 0.49). scikit-learn's implementation, deterministic (dense eigensolver), so
it holds an n x n distance matrix: it declines data of more than 10,000 cells (the full size's 100,000 would
need 80 GB for that matrix alone).

Run it at smoke size (2,000 synthetic cells) beside the suite's methods:

    python -m benchmarks run --task single_cell --size smoke --method examples/single_cell_isomap.py:isomap \
        --results /tmp/single_cell_isomap
    python -m benchmarks leaderboard --results /tmp/single_cell_isomap

and with another neighbourhood: ``--method 'examples/single_cell_isomap.py:isomap[n_neighbors=30]'``.
"""

import numpy as np

from benchmarks.task import NotApplicable

#: the dense eigensolver of the n x n geodesic kernel is O(n^3) time and O(n^2) memory
MAX_CELLS = 10_000


def isomap(data, ctx, *, n_neighbors=15):
    """A 2-D Isomap of ``data.pcs`` (n_cells, 50): float32 (n_cells, 2)."""
    from sklearn.manifold import Isomap

    if data.n_cells > MAX_CELLS:
        raise NotApplicable(f"Isomap's dense n x n kernel is too large for {data.n_cells:,} cells "
                            f"(at most {MAX_CELLS:,})")
    # a kNN graph that falls apart into pieces has no geodesic distance between them; scikit-learn then joins
    # the pieces by their closest cells (and warns), which keeps the map defined
    with ctx.thread_limit():
        embedding = Isomap(n_neighbors=n_neighbors, n_components=2, eigen_solver="dense").fit_transform(
            np.asarray(data.pcs, dtype=np.float64))
    return embedding.astype(np.float32)
