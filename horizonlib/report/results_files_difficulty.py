"""The results files of the chapter "What length alone misses" (chapters/difficulty.md).

Part of the one results schema (:mod:`horizonlib.report.results_schema`): task difficulty beyond
length from the random-intercept logistic model, the mixed model's horizons, how concentrated a
model's lead is, horizons with human-length error, and success beyond length against messiness.
"""

from __future__ import annotations

from horizonlib.report.results_columns import MODEL, Column, ResultsFile

WRITER = "chapters/difficulty.md"
TASK = (
    Column("task_id", "", "task"),
)
INTERVAL_MIN = (
    Column("horizon_min", "minutes", "horizon (point fit on all data)"),
    Column("ci_low_min", "minutes", "lower bound of its interval (confidence_level)"),
    Column("ci_high_min", "minutes", "upper bound of its interval"),
)

DIFFICULTY_FILES: tuple[ResultsFile, ...] = (
    ResultsFile(
        "task_difficulty", WRITER, "one model and one task it ran",
        MODEL + TASK + (
            Column("task_family", "", "the task's family"),
            Column("task_source", "", "suite of the task (HCAST, SWAA, RE-Bench, ...)"),
            Column("human_minutes", "minutes", "the task's human length"),
            Column("human_source", "", "baseline (timed humans) or estimate"),
            Column("n_runs", "runs", "runs of the model on the task"),
            Column("successes", "runs", "successful runs among them"),
            Column("difficulty_joint", "log-odds", "task effect of the joint fit over the "
                   "dataset's models (positive: harder than its length says)"),
            Column("difficulty_joint_sd", "log-odds", "posterior standard deviation of that effect"),
            Column("difficulty_joint_doublings", "doublings of length", "difficulty_joint "
                   "divided by the dataset's mean absolute slope over its models (log-odds per "
                   "doubling of length)"),
            Column("predicted_rate_joint", "fraction", "success rate the model's length curve "
                   "predicts for a typical task of this length"),
            Column("excess_loglik", "nats", "log-likelihood the model gains on this task over its "
                   "curve's prediction (0 where it does worse)"),
            Column("beats_curve", "", "True when the model's success rate exceeds the prediction"),
            Column("difficulty_model", "log-odds", "task effect of the model's own mixed fit"),
            Column("difficulty_model_sd", "log-odds", "its posterior standard deviation"),
            Column("difficulty_model_doublings", "doublings of length",
                   "that effect over the absolute slope of the model's own fit")),
        ("dataset", "alias", "task_id")),
    ResultsFile(
        "mixed_horizons", WRITER,
        "one model and one success probability: the random-intercept model's horizon of a "
        "typical task beside METR's",
        MODEL + (Column("p", "probability", "success probability of the horizon"),) + INTERVAL_MIN
        + (Column("task_sd", "log-odds", "standard deviation of the task effects"),
           Column("status", "", "'ok' or why the mixed fit failed"),
           Column("metr_horizon_min", "minutes", "METR's horizon (the fixed-effects fit)"),
           Column("metr_ci_low_min", "minutes", "lower bound of its bootstrap interval"),
           Column("metr_ci_high_min", "minutes", "upper bound"),
           Column("width_ratio", "ratio", "log-width of the mixed interval over METR's")),
        ("dataset", "alias", "p")),
    ResultsFile(
        "lead_concentration", WRITER,
        "one model: where its success beyond its curve comes from",
        MODEL + (Column("n_tasks", "tasks", "tasks the model ran"),
                 Column("n_beats", "tasks", "tasks where it beats its curve"),
                 Column("excess_total", "nats", "summed excess log-likelihood over those tasks"),
                 Column("share_top1", "fraction", "share of that total from the top task"),
                 Column("share_topk", "fraction", "share from the top k tasks (k in the chapter)"),
                 Column("tasks_for_half", "tasks", "fewest tasks holding half of the total"),
                 Column("top_tasks", "", "the top k task ids, ';'-joined")),
        ("dataset", "alias")),
    ResultsFile(
        "length_error", WRITER,
        "one model, one variant of the human lengths and one success probability",
        MODEL + (Column("variant", "", "metr (lengths as given), length_error (log-normal error "
                        "drawn per task in every replicate) or baselined_only (baselined tasks)"),
                 Column("p", "probability", "success probability of the horizon"),) + INTERVAL_MIN
        + (Column("ci_width_doublings", "doublings", "log2 of ci_high / ci_low"),
           Column("failed_replicates", "replicates", "replicates with no finite fit, counted"),
           Column("n_tasks", "tasks", "tasks in the variant's fit")),
        ("dataset", "alias", "variant", "p")),
    ResultsFile(
        "length_error_trend", WRITER, "one dataset and one variant of the human lengths",
        (Column("dataset", "", "run file whose models are fitted"),
         Column("variant", "", "metr, length_error or baselined_only"),
         Column("window_start", "date", "first release date included"),
         Column("n_models", "models", "models in the fit (the same in every variant, less "
                "any whose horizon is unusable in this one)"),
         Column("aliases", "", "models in the fit, ';'-joined"),
         Column("doubling_days", "days", "doubling time of the 50% horizon"),
         Column("ci_low_days", "days", "lower bound of its bootstrap interval"),
         Column("ci_high_days", "days", "upper bound")),
        ("dataset", "variant")),
    ResultsFile(
        "messiness", WRITER, "one model and one task with METR's messiness labels",
        MODEL + TASK + (
            Column("human_minutes", "minutes", "the task's human length"),
            Column("messiness", "points (0-16)", "METR's messiness score: the mean over the "
                   "task's labellers of the sum of the 16 messiness factors"),
            Column("n_labels", "labels", "labellers behind the score"),
            Column("success_rate", "fraction", "the model's success rate on the task"),
            Column("beyond_length", "log-odds", "success beyond what length predicts (minus the "
                   "model's task difficulty)"),
            Column("beyond_length_sd", "log-odds", "its posterior standard deviation")),
        ("dataset", "alias", "task_id")),
    ResultsFile(
        "messiness_slopes", WRITER, "one model: success beyond length against messiness",
        MODEL + (Column("n_tasks", "tasks", "labelled tasks the model ran"),
                 Column("slope", "log-odds per point", "least-squares slope of beyond_length on "
                        "messiness"),
                 Column("ci_low", "log-odds per point", "lower bound of the task-bootstrap "
                        "interval"),
                 Column("ci_high", "log-odds per point", "upper bound"),
                 Column("is_focus", "", "True for the focus models"),
                 Column("contrast", "log-odds per point", "focus model's slope minus the mean "
                        "of the other models' (focus rows only)"),
                 Column("contrast_ci_low", "log-odds per point", "lower bound of the contrast"),
                 Column("contrast_ci_high", "log-odds per point", "upper bound")),
        ("dataset", "alias")),
)
