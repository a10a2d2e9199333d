"""Classify: clauses to findings. The deontic frame of a clause (:mod:`analyzer.classify.deontic`), rules
from the taxonomy, a scikit-learn model, and their combination into findings with evidence."""
