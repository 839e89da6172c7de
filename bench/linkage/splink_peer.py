"""The peer: Splink (DuckDB backend) in a stock, tutorial-style configuration.

"Stock" means what a user following Splink's tutorials would write: library comparisons on
the columns as they come, u by random sampling, m by EM on two blocking rules, clustering
at 0.9. No Spanish-aware preparation beyond lower-casing and joining name columns.
"""

from __future__ import annotations

import logging

import polars as pl

logging.getLogger("splink").setLevel(logging.ERROR)


def _cluster(linker, threshold: float) -> pl.DataFrame:
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    return pl.from_arrow(clusters.as_duckdbpyrelation().arrow())


def febrl(frame: pl.DataFrame, link_only: bool, threshold: float = 0.9) -> pl.DataFrame:
    """Splink on a FEBRL table (``rec_id`` unique, ``source_id`` for link_only)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        unique_id_column_name="uid",
        link_type="link_only" if link_only else "dedupe_only",
        source_dataset_column_name="source_id" if link_only else None,
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1"),
            cl.JaroWinklerAtThresholds("suburb"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("state"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    pdf = frame.with_columns(pl.col("rec_id").alias("uid")).to_pandas()
    db = DuckDBAPI()
    data = (
        [
            db.register(pdf[pdf.source_id == s].reset_index(drop=True))
            for s in sorted(pdf.source_id.unique())
        ]
        if link_only
        else db.register(pdf)
    )
    linker = Linker(data, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    return _cluster(linker, threshold)


def persons(frame: pl.DataFrame, threshold: float = 0.9) -> pl.DataFrame:
    """Splink on person records in the victims format (several sources, deduplicated)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def text(name: str) -> pl.Expr:
        if name in frame.columns:
            return pl.col(name).cast(pl.Utf8).str.to_lowercase()
        return pl.lit(None, dtype=pl.Utf8)

    joined = pl.concat_str(
        [text("given_names"), text("first_surname"), text("second_surname")],
        separator=" ",
        ignore_nulls=True,
    )
    pdf = frame.select(
        pl.concat_str([pl.col("source_id"), pl.col("record_id")], separator="|").alias("uid"),
        pl.col("source_id"),
        pl.coalesce(text("full_name"), pl.when(joined != "").then(joined)).alias("name"),
        text("given_names").alias("given_names"),
        text("first_surname").alias("first_surname"),
        text("id_number").alias("id_number"),
        text("birth_date").alias("birth_date"),
        text("sex").alias("sex"),
        text("state").alias("state"),
    ).to_pandas()
    settings = SettingsCreator(
        unique_id_column_name="uid",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("id_number"),
            block_on("substr(name, 1, 4)"),
            block_on("birth_date"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.8]),
            cl.ExactMatch("id_number"),
            cl.ExactMatch("birth_date"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("state"),
        ],
    )
    db = DuckDBAPI()
    linker = Linker(db.register(pdf), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("substr(name, 1, 4)")
    )
    return _cluster(linker, threshold)
