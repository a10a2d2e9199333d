"""Training and evaluation of the clause model from the team's corpus (``dnh train``, ``dnh evaluate``)."""
