"""Credit records as pages show them to the public."""

from credit.models import ProducerKind


def public_producer_name(producer) -> str:
    """A producer's name as the public may see it.

    Large growers (种养大户) are natural persons registered under their own name, so only
    the surname is shown; organisations (and family farms, named after the farm) in full.
    """
    if producer.kind == ProducerKind.GROWER:
        from credit.identifiers import mask_name_person

        return mask_name_person(producer.name)
    return producer.name
