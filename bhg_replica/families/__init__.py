"""Template families: the markup of each CMS generation of each paper, one module a family, named by the evidence
it follows (``bhg_era_a``, ``bhg_era_b``, ``btq_current``, ``btq_old``); ``base`` prints a page from one."""

from bhg_replica.families.base import Family
from bhg_replica.families.bhg_era_a import BHG_ERA_A
from bhg_replica.families.bhg_era_b import BHG_ERA_B
from bhg_replica.families.btq_current import BTQ_CURRENT
from bhg_replica.families.btq_old import BTQ_OLD

FAMILIES: dict[str, Family] = {family.name: family for family in (BHG_ERA_A, BHG_ERA_B, BTQ_CURRENT, BTQ_OLD)}

__all__ = ["BHG_ERA_A", "BHG_ERA_B", "BTQ_CURRENT", "BTQ_OLD", "FAMILIES", "Family"]
