"""The downloadable dataset: six classical authors from The Latin Library (light import)."""

from pathlib import Path

from benchmarks.data import Dataset, read_registry

LATIN_LIBRARY = Dataset(
    name="latin_library_6",
    mirror="latin",
    base_url="https://raw.githubusercontent.com/cltk/lat_text_latin_library/76229acaf02efd1964ac32009408a90b6f279758/",
    files=read_registry(Path(__file__).parent / "files" / "latin_library.txt"),
    licence="Public Domain Mark 1.0 (The Latin Library texts as collected by CLTK)",
    citation="The Latin Library (thelatinlibrary.com), via cltk/lat_text_latin_library",
    description="Prose works of Caesar, Cicero, Livy, Sallust, Seneca and Tacitus, one file per work or book.",
)
