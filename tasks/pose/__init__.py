"""Markerless animal pose estimation after DeepLabCut (Mathis et al. 2018), scored by pixel error.

Light to import: torch, torchvision and scikit-learn live in the modules named by strings below.
"""

from pathlib import Path

from benchmarks.data import Dataset, read_registry
from benchmarks.task import Checklist, Direction, Method, MethodKind, Metric, Option, Output, Param, Shows, Task, Topline
from benchmarks.tasks.pose.sizes import BUDGETS, SIZES

_M = "benchmarks.tasks.pose"
_CITATION = (
    "Mathis A, Mamidanna P, Cury KM, Abe T, Murthy VN, Mathis MW, Bethge M. DeepLabCut: markerless pose "
    "estimation of user-defined body parts with deep learning. Nature Neuroscience 21:1281-1289 (2018)."
)

OPENFIELD = Dataset(
    name="dlc_openfield_pranav_2018",
    mirror="pose",
    # Pinned to the DeepLabCut commit that the mirror was taken from (see the mirror's README).
    base_url="https://raw.githubusercontent.com/DeepLabCut/DeepLabCut/2df0f46c/examples/",
    files=read_registry(Path(__file__).parent / "files" / "openfield.txt"),
    licence="LGPL-3.0 (DeepLabCut repository)",
    citation=_CITATION,
    description="openfield-Pranav-2018-10-30: 116 labelled 640x480 frames of a mouse, 4 body parts (the video is not used).",
)

def openfield_split(train_fraction: float | None) -> str:
    """The open-field data set id: its test frames depend on the split, so a split other than the
    size's own is part of the id (DeepLabCut 3.0's published figures train on half the frames)."""
    return "dlc_openfield" if train_fraction is None else f"dlc_openfield@train{train_fraction:g}"


#: The project folder inside the dataset.
OPENFIELD_PROJECT = "openfield-Pranav-2018-10-30"

TASK = Task(
    name="pose",
    # default and full: DeepLabCut's open-field project; smoke: generated frames; a user's project: user:<hash>
    dataset_id=lambda size, options: None if options["project"] else (
        f"pose_synthetic_{size}" if BUDGETS[size].synthetic else openfield_split(options["train_fraction"])),
    summary="Can body parts of animals be located in unstaged video frames without body markers?",
    citation=_CITATION,
    version=2,  # 2: default is the real open-field project; MobileNetV2 backbone
    metrics=(
        Metric("test_error", Direction.LOWER, "px",
               "mean Euclidean distance between predicted and labelled test points (DeepLabCut's 'RMSE')", ideal=0.0),
        Metric("test_rmse", Direction.LOWER, "px", "root-mean-square Euclidean distance over labelled test points"),
        Metric("train_error", Direction.LOWER, "px", "mean Euclidean distance on the training frames"),
        Metric("test_error_pcutoff", Direction.LOWER, "px",
               "test error over predictions with likelihood >= 0.6 (DeepLabCut's 'RMSE with p-cutoff')"),
        Metric("pcutoff_share", Direction.HIGHER, "fraction", "share of labelled test points predicted with likelihood >= 0.6"),
        Metric("pck", Direction.HIGHER, "fraction",
               "share of labelled test points within 0.1 x the animal's size (bounding-box diagonal of its labelled points)"),
    ),
    sizes=SIZES,
    budgets=BUDGETS,
    methods=(
        Method("mean_position", MethodKind.CONTROL, f"{_M}.methods.mean_position:mean_position",
               "every body part at its mean training position"),
        Method("ridge_hog", MethodKind.BASELINE, f"{_M}.methods.ridge:ridge",
               "ridge regression (GCV alpha) from HOG features of the frame resized to 96x72 to coordinates",
               params=(Param("features", str, "hog", "HOG features, or the resized pixels", choices=("hog", "pixels")),)),
        Method("dlc_resnet", MethodKind.MODEL, f"{_M}.methods.dlc:dlc",
               "DeepLabCut's design: ResNet or MobileNetV2 (stride 16) + deconvolution to stride 8, score maps + "
               "location refinement",
               params=(
                   Param("backbone", str, None, "the backbone (default: the size's, mobilenet_v2 for smoke and "
                         "default, resnet50 for full)", choices=("mobilenet_v2", "resnet18", "resnet50"), budget=True),
                   Param("iterations", int, None, "training iterations (default: the size's)", minimum=1, budget=True),
                   Param("pretrain_iterations", int, None, "synthetic pre-training iterations; 0: no synthetic "
                         "pre-training (default: the size's)", minimum=0, budget=True),
                   Param("input_scale", float, None, "network input pixels per image pixel (DeepLabCut's "
                         "global_scale; default: the size's; at default the frames' shorter side becomes 120 px, "
                         "0.25 for 640x480)", minimum=0.0, exclusive_minimum=True, budget=True),
                   Param("pretrain", str, "auto", "initial weights: auto (ImageNet if cached, else synthetic "
                         "pre-training (once, cached) for real frames, else random), imagenet, synthetic, or none "
                         "(random initialisation)", choices=("auto", "imagenet", "synthetic", "none")),
                   Param("weights", Path, None, "a torchvision ImageNet checkpoint (.pth) of the backbone, e.g. "
                         "mobilenet_v2-b0353104.pth; never downloaded"),
               )),
    ),
    load=f"{_M}.data:load",
    method_input=f"{_M}.data:method_input",
    test_targets=f"{_M}.data:test_targets",
    output=Output("PosePrediction (benchmarks.tasks.pose.prediction) of every frame of data.frames, train and test: "
                  "points, float array (N, K, 2) of pixel (x, y) for the K body parts, finite or NaN (no point; "
                  "a NaN at a labelled point fails the evaluation); scores, None or float array (N, K) of "
                  "likelihoods in [0, 1]; details, a JSON-able dict", f"{_M}.metrics:check_output"),
    evaluate=f"{_M}.metrics:evaluate",
    figure=f"{_M}.figure:figure",
    options=(
        Option("project", Path, None, "a DeepLabCut project folder (config.yaml + labeled-data) to use instead of the size's data"),
        Option("split", str, "frames", "frames: random frames (DeepLabCut's way); videos: hold out whole videos",
               choices=("frames", "videos")),
        Option("train_fraction", float, None, "share of frames for training (default: the size's, 0.8; full: "
               "DeepLabCut's 0.95)", minimum=0.0, maximum=1.0, exclusive_minimum=True, exclusive_maximum=True, budget=True),
    ),
    datasets=(OPENFIELD,),
    checklist=Checklist(
        question="Can a network trained on a few hundred or fewer hand-labelled frames locate an animal's body parts "
                 "in new video frames, without markers on the animal, as accurately as a human labeller?",
        data="Video frames (RGB images) with hand-labelled pixel positions of body parts. Default: DeepLabCut's "
             "open-field example, 116 labelled 640x480 frames of one mouse with 4 parts (snout, both ears, tail "
             "base), 80/20 random split of frames (full: DeepLabCut's 95/5); smoke generates 24 synthetic frames, "
             "and the option project reads a user's DeepLabCut project instead.",
        success="A small test error: the mean Euclidean distance in pixels between predicted and labelled body "
                "parts on the held-out frames (DeepLabCut's 'RMSE'; lower is better). Human labelling variability, "
                "about 2.7 px on similar mouse videos, is the floor.",
        baselines="Every body part at its mean training position (control) and ridge regression from HOG image "
                  "features (a classical hand-crafted-feature regressor) show how much comes from reading each "
                  "frame rather than the average pose; DeepLabCut's ResNet/MobileNetV2 score-map network is the "
                  "model the field uses.",
        toplines=(
            Topline("DeepLabCut 3.0 (PyTorch engine), ResNet-50 from ImageNet weights: 2.01 px test error "
                    "(DeepLabCut pull request #2613, openfield benchmark table)",
                    "published", "dlc_openfield@train0.5",
                    "half the frames for training (train_fraction 0.5), ImageNet weights, ResNet-50, on a GPU",
                    short="DeepLabCut 3.0's 2.01 px"),
            Topline("DeepLabCut 2.2.0.4 (TensorFlow), ResNet-50, 50,000 iterations, tensorpack loader: 2.65 px test "
                    "error (DeepLabCut test-script docstrings)",
                    "published", "dlc_openfield",
                    "95/5 split (the full size's), ImageNet weights, 50,000 iterations"),
            Topline("Human test-retest labelling variability: about 2.7 px (Mathis et al. 2018, Nat Neurosci "
                    "21:1281)",
                    "human", "mathis2018_odour_trail",
                    "measured on the paper's odour-trail mouse videos (640x480, 4 parts), not on the open-field "
                    "example"),
        ),
    ),
    # smoke's few frames and iterations: the trained models already place parts closer than the mean pose
    smoke_shows=(Shows("dlc_resnet", "mean_position", margin=2.0), Shows("ridge_hog", "mean_position", margin=2.0)),
    headline=("pck", "test_error_pcutoff", "train_error"),
)
