"""Reward hacking: how the treatment of hacked runs moves a model's horizon and RE-Bench mean
(analyses layer).

* :mod:`~horizonlib.analyses.hacking.models`: a model's runs by name, its RE-Bench mean;
* :mod:`~horizonlib.analyses.hacking.flags`: flag files and the policies for flagged runs
  (METR's rule scores a hacked "success" as a failure);
* :mod:`~horizonlib.analyses.hacking.tipping`: without flags, how many re-scored failures would
  move the horizon past another model's.
"""
