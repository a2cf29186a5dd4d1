"""lakemesh pipeline entry point: declares every dataset of the domain's compiled contract.

Databricks runs this file as the pipeline's only library (its folder is the pipeline's rootPath, so the helper
modules beside it import); local runs name it in the spec and put its folder on PYTHONPATH. The contract path
comes from the pipeline configuration (lakemesh.contract), written by lakemesh from the domain manifest.
"""
from pyspark.sql import SparkSession

import lakemesh_contract
import lakemesh_datasets

spark = SparkSession.active()
for _contract in lakemesh_contract.load(spark):
    lakemesh_datasets.declare_all(spark, _contract)
