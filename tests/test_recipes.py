from lecturekit import models, recipes, reproduce


def test_paper_schedule_divides_the_rate_at_half_and_three_quarters():
    recipe = recipes.paper_schedule()
    assert recipe["epochs"] == 164 and recipe["milestones"] == [82, 123]
    assert recipe["batch_size"] == 128 and recipe["weight_decay"] == 1e-4
    assert recipes.paper_schedule(20)["milestones"] == [10, 15]


def test_the_registry_and_reproduce_take_their_recipes_from_recipes():
    assert models.entry("resnet20_cifar").recipe is recipes.CIFAR_CLASS
    assert models.entry("lenet5").recipe is recipes.MNIST_LENET
    assert models.entry("densenet40_cifar").recipe is recipes.CIFAR_DENSENET
    assert reproduce.RECIPES is recipes.REPRODUCE
    assert reproduce.RECIPES["gpu"] is recipes.RESNET20_GPU


def test_onecycle_extra_arguments_override_the_defaults():
    assert recipes.onecycle(5, amp="bf16")["amp"] == "bf16"
    assert recipes.onecycle(5)["amp"] is False


def test_every_registered_recipe_is_one_named_in_recipes():
    named = [value for value in vars(recipes).values() if isinstance(value, dict)]
    for name in models.list_models():
        recipe = models.entry(name).recipe
        assert not recipe or any(recipe is value for value in named), name
