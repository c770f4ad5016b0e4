"""Markerless animal pose estimation after DeepLabCut (Mathis et al. 2018), scored by pixel error.

Light to import: torch, torchvision and scikit-learn live in the modules named by strings below.
"""

from pathlib import Path

from benchmarks.task import Direction, Method, MethodKind, Metric, Option, Task
from tasks.pose.dataset import OPENFIELD

_M = "tasks.pose"

TASK = Task(
    name="pose",
    summary="Can body parts of animals be located in unstaged video frames without body markers?",
    citation=(
        "Mathis A, Mamidanna P, Cury KM, Abe T, Murthy VN, Mathis MW, Bethge M. DeepLabCut: markerless pose "
        "estimation of user-defined body parts with deep learning. Nature Neuroscience 21:1281-1289 (2018)."
    ),
    version=1,
    metrics=(
        Metric("test_error", Direction.LOWER, "px",
               "mean Euclidean distance between predicted and labelled test points (DeepLabCut's 'RMSE')"),
        Metric("test_rmse", Direction.LOWER, "px", "root-mean-square Euclidean distance over labelled test points"),
        Metric("train_error", Direction.LOWER, "px", "mean Euclidean distance on the training frames"),
        Metric("test_error_pcutoff", Direction.LOWER, "px",
               "test error over predictions with likelihood >= 0.6 (DeepLabCut's 'RMSE with p-cutoff')"),
        Metric("pcutoff_share", Direction.HIGHER, "fraction", "share of labelled test points predicted with likelihood >= 0.6"),
        Metric("pck", Direction.HIGHER, "fraction",
               "share of labelled test points within 0.1 x the animal's size (bounding-box diagonal of its labelled points)"),
    ),
    sizes={
        "smoke": "24 synthetic frames (2 videos, 128x96 and 116x88), ResNet-18, 40 iterations on 64x96 crops "
                 "(checks that it runs; from random weights it needs ~100 to beat the control)",
        "default": "480 synthetic frames (12 videos, 160x120 and 144x108), ResNet-18, 1,000 iterations on 80x80 crops",
        "full": "DeepLabCut's open-field project (116 real 640x480 frames, 4 parts), ResNet-50 at scale 0.8; "
                "pre-trained on 1,000 synthetic 640x480 frames when no ImageNet weights are cached",
    },
    methods=(
        Method("mean_position", MethodKind.CONTROL, f"{_M}.baselines:mean_position",
               "every body part at its mean training position"),
        Method("ridge_hog", MethodKind.BASELINE, f"{_M}.baselines:ridge",
               "ridge regression (GCV alpha) from HOG features of the frame resized to 96x72 to coordinates"),
        Method("dlc_resnet", MethodKind.MODEL, f"{_M}.model:dlc",
               "DeepLabCut's design: ResNet (stride 16) + deconvolution to stride 8, score maps + location refinement"),
    ),
    load=f"{_M}.data:load",
    evaluate=f"{_M}.evaluate:evaluate",
    figure=f"{_M}.figure:figure",
    options=(
        Option("project", Path, None, "a DeepLabCut project folder (config.yaml + labeled-data) to use instead of the size's data"),
        Option("split", str, "frames", "frames: random frames (DeepLabCut's way); videos: hold out whole videos"),
        Option("train_fraction", float, 0.8, "share of frames for training (DeepLabCut's default is 0.95; 0.8 gives a steadier test error)"),
        Option("backbone", str, "auto", "resnet18 | resnet50 | auto (the size's: resnet18 for smoke and default, resnet50 for full)"),
        Option("iterations", int, None, "training iterations (default: the size's)"),
        Option("pretrain_iterations", int, None, "synthetic pre-training iterations (default: the size's)"),
        Option("input_scale", float, None, "network input pixels per image pixel (DeepLabCut's global_scale; default: the size's)"),
        Option("pretrain", str, "auto", "auto | imagenet | synthetic | none: initial weights of the model (see tasks/pose/model.py)"),
        Option("weights", Path, None, "a torchvision ImageNet checkpoint (.pth) of the backbone; never downloaded"),
        Option("ablate_pretraining", bool, True, "with synthetic pre-training, also train from scratch and report both test errors"),
        Option("ridge_features", str, "hog", "hog | pixels: features of the ridge baseline"),
    ),
    datasets=(OPENFIELD,),
)
