"""The downloadable dataset: DeepLabCut's open-field example project (light import)."""

from pathlib import Path

from benchmarks.data import Dataset, read_registry

OPENFIELD = Dataset(
    name="dlc_openfield_pranav_2018",
    mirror="pose",
    # Pinned to the DeepLabCut commit that the mirror was taken from (see the mirror's README).
    base_url="https://raw.githubusercontent.com/DeepLabCut/DeepLabCut/2df0f46c/examples/",
    files=read_registry(Path(__file__).parent / "files" / "openfield.txt"),
    licence="LGPL-3.0 (DeepLabCut repository)",
    citation=(
        "Mathis A, Mamidanna P, Cury KM, Abe T, Murthy VN, Mathis MW, Bethge M. DeepLabCut: markerless pose "
        "estimation of user-defined body parts with deep learning. Nature Neuroscience 21:1281-1289 (2018)."
    ),
    description="openfield-Pranav-2018-10-30: 116 labelled 640x480 frames of a mouse, 4 body parts (the video is not used).",
)

#: The project folder inside the dataset.
OPENFIELD_PROJECT = "openfield-Pranav-2018-10-30"
