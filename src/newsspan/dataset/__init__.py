"""The Hugging Face dataset folder: features, rows, parquet shards, card, Croissant, checksums, upload.

Modules in data-flow order (imports point down this list only, never up):

- :mod:`.features` -- the configs, their declared ``Features``, label lists and folder file names (a leaf);
- :mod:`.rows` -- documents turned into Arrow tables of every config;
- :mod:`.parquet` -- the tables written as sharded, byte-reproducible parquet;
- :mod:`.stats` -- corpus statistics read back from the written parquet;
- :mod:`.facts` -- what the card and Croissant say about the corpus (provenance, licence, citation);
- :mod:`.card`, :mod:`.croissant`, :mod:`.manifest` -- ``README.md``, ``croissant.json``, ``SHA256SUMS``;
- :mod:`.target` -- where a build may be written and how it replaces an earlier one;
- :mod:`.remote` -- a finished build uploaded to an fsspec URL (``--out s3://...``);
- :mod:`.build` -- orchestration: the folder, ``build_dataset``, ``check_dataset``;
- :mod:`.load` -- load a built folder back with ``datasets.load_dataset``;
- :mod:`.publish` -- upload to the Hugging Face Hub.
"""
