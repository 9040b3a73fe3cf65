"""Network in network (lecturekit/models/nin.py)."""



from lecturekit import analysis, models


def test_the_cifar_nin_has_966986_parameters():
    assert analysis.count_parameters(models.create("nin_cifar10")) == 966_986
