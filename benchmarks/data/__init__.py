"""Data: datasets that must be downloaded (``downloads``: registry files, the cache, the mirror, ``fetch``), the
content hash of loaded data (``fingerprint``) and the id of the data a cell runs on (``dataset_id``).

Task packages import ``Dataset``, ``read_registry`` and ``fetch`` from here.
"""

from benchmarks.data.downloads import (
                                       CACHE_ENV,
                                       MIRROR_ENV,
                                       ChecksumMismatch,
                                       DataFile,
                                       Dataset,
                                       DataUnavailable,
                                       cache_problem,
                                       cache_root,
                                       dataset_folder,
                                       fetch,
                                       mirror_root,
                                       read_registry,
                                       sha256_of,
                                       write_registry,
)

__all__ = ["CACHE_ENV", "MIRROR_ENV", "ChecksumMismatch", "DataFile", "Dataset", "DataUnavailable", "cache_problem",
           "cache_root", "dataset_folder", "fetch", "mirror_root", "read_registry", "sha256_of", "write_registry"]
