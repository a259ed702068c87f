"""``python -m models``: pre-train the declared artifacts (see :mod:`core.pretrain`)."""
import sys

from core.pretrain import main
from models.artifacts import PRETRAINED

if __name__ == "__main__":
    sys.exit(main(PRETRAINED))
