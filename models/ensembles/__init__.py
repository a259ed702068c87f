"""Ensembles on wine quality: bagging, boosting and stacking, tuned and compared."""
