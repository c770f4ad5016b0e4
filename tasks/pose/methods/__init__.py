"""The pose methods, one file per family: the control (``mean_position``), the classical baseline
(``ridge``: ridge regression on HOG features) and the model (``dlc``: DeepLabCut's network)."""
