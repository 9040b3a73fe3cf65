"""VGG (lecturekit/models/vgg.py)."""



def test_vgg_configurations_have_the_papers_depths():
    from lecturekit.models.vgg import CONFIGURATIONS, WEIGHT_LAYERS

    for configuration, layers in WEIGHT_LAYERS.items():
        convs = [c for c in CONFIGURATIONS[configuration] if c not in ("M", "LRN")]
        assert len(convs) + 3 == layers
